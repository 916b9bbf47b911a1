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
}
