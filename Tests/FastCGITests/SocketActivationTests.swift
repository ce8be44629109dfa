import FastCGI
import Testing

/// The sd_listen_fds(3) variables as systemd sets them, and the ways they can be wrong (issue 15).
struct SocketActivationTests {
    static let pid: Int32 = 4242

    @Test func oneSocketForThisProcessIsDescriptorThreeWithItsName() throws {
        let activation = try SocketActivation(
            environment: ["LISTEN_FDS": "1", "LISTEN_PID": "4242", "LISTEN_FDNAMES": "menu-api"], processID: Self.pid)
        #expect(activation.descriptor == 3)
        #expect(activation.name == "menu-api")
    }

    @Test func namesAreOptional() throws {
        let activation = try SocketActivation(
            environment: ["LISTEN_FDS": "1", "LISTEN_PID": "4242"], processID: Self.pid)
        #expect(activation.descriptor == 3)
        #expect(activation.name == nil)
    }

    @Test(arguments: [
        // Another process's variables, inherited: the descriptors are not ours.
        (["LISTEN_FDS": "1", "LISTEN_PID": "4243"], "is not this process"),
        (["LISTEN_FDS": "1"], "LISTEN_PID is not set"),
        (["LISTEN_PID": "4242"], "LISTEN_FDS is not set"),
        ([:], "LISTEN_FDS is not set"),
        (["LISTEN_FDS": "1", "LISTEN_PID": "me"], "is not a process id"),
        (["LISTEN_FDS": "many", "LISTEN_PID": "4242"], "is not a number"),
        (["LISTEN_FDS": "0", "LISTEN_PID": "4242"], "exactly one listening socket"),
        (["LISTEN_FDS": "2", "LISTEN_PID": "4242", "LISTEN_FDNAMES": "a:b"], "exactly one listening socket"),
    ])
    func wrongVariablesAreAClearError(environment: [String: String], reason: String) throws {
        let error = try #require(throws: FastCGIError.self) {
            try SocketActivation(environment: environment, processID: Self.pid)
        }
        #expect(error.code == .socketActivation)
        #expect(error.cMessage?.contains(reason) == true, "\(error.debugDescription)")
        // The reason is for the operator's log; a client never sees it.
        #expect(error.description == "FastCGI error: socket_activation")
    }

    @Test func onlyVariablesNamingThisProcessChooseActivation() {
        #expect(SocketActivation.isPassed(in: ["LISTEN_FDS": "1", "LISTEN_PID": "4242"], processID: Self.pid))
        // Inherited from an activated parent: the fd-0 mode must go on working.
        #expect(!SocketActivation.isPassed(in: ["LISTEN_FDS": "1", "LISTEN_PID": "4243"], processID: Self.pid))
        #expect(!SocketActivation.isPassed(in: ["LISTEN_FDS": "1"], processID: Self.pid))
        #expect(!SocketActivation.isPassed(in: ["PATH": "/bin"], processID: Self.pid))
    }
}
