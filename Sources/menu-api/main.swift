import ArgumentParser
import Tesseract

// Before anything else: one OpenMP thread per Tesseract engine (see OpenMPThreadLimit).
OpenMPThreadLimit.applyByReexecuting()
MenuAPICommand.main()
