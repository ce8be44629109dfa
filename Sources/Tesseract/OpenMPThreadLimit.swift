import Glibc

/// Tesseract's LSTM runs OpenMP parallel loops. Under a server that already reads several images at once on two
/// cores, OpenMP's own threads only contend: measured on `make eval`, one image took 5.9 s of wall time (3.1 s of it
/// in the kernel, threads spinning) against 1.0 s with one OpenMP thread.
///
/// libgomp reads `OMP_THREAD_LIMIT` once, in a constructor that runs when the library is loaded, before `main`: the
/// limit cannot be set from inside a running process. So a process that needs it sets the variable and replaces
/// itself with a fresh image of the same program, once.
public enum OpenMPThreadLimit {
    /// The variable libgomp reads.
    public static let variable = "OMP_THREAD_LIMIT"

    /// Re-executes the current program with `OMP_THREAD_LIMIT=1` unless the variable is already set (by this
    /// function or by the operator, whose value wins). Returns only when nothing was done or `execv` failed, in
    /// which case Tesseract still works, with OpenMP's default threads.
    /// The corresponding C functions are `setenv` and `execv`.
    public static func applyByReexecuting() {
        guard getenv(variable) == nil else { return }
        setenv(variable, "1", 0)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
