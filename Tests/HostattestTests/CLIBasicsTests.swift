import Testing
import TestSupport

@Suite struct CLIBasicsTests {
    @Test func helpExitsZeroAndListsCommands() throws {
        let r = try Run.hostattest(["--help"])
        #expect(r.status == 0)
        for command in ["keys", "sign", "verify", "pe", "vib", "profile", "eventlog", "bench"] {
            #expect(r.stdout.contains(command), "help should list \(command)")
        }
    }

    @Test func unknownCommandIsUsageErrorExit2() throws {
        let r = try Run.hostattest(["no-such-command"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error"))
    }

    /// Nonsense benchmark parameters are usage errors (exit 2), never a trap or a silent run.
    @Test(arguments: [
        ["bench", "quote", "--seconds=0"], ["bench", "quote", "--seconds=-1"], ["bench", "quote", "--seconds=nan"],
        ["bench", "quote", "--rounds", "0"], ["bench", "authenticode", "--runs", "0"], ["bench", "authenticode", "--size-mib=-1"],
        ["bench", "eventlog", "--iterations", "0"], ["bench", "eventlog", "--size=-5"], ["bench", "eventlog", "--size", "999999999999"],
        ["bench", "image", "--vibs", "0"], ["bench", "image", "--total-mib", "0"],
    ])
    func badBenchParametersExit2(_ arguments: [String]) throws {
        let r = try Run.hostattest(arguments)
        #expect(r.status == 2, "\(arguments): exit \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("error"))
    }
}
