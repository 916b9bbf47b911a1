import AttestCore
@testable import AttestTPM
import Foundation
import Testing
import TestSupport

/// Seeded mutations of what the TPM layer parses: a state file, `--tpm` strings and PCR selections.
/// Each must parse or be refused with a TPMError; never trap.
@Suite struct TPMFuzzTests {
    @Test func mutatedStateFilesAreRefusedOrLoad() throws {
        let dir = TempDir("soft-tpm-fuzz")
        let tpm = try SoftwareTPM(path: dir.file("tpm.json").path)
        let base = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tpm.path)))
        var rng = SplitMix64(seed: 0x7E57_0001)
        for _ in 0..<300 {
            let mutated = rng.mutate(base)
            do {
                _ = try SoftwareTPMState.decode(Data(mutated), path: "fuzz")
            } catch let e as TPMError {
                #expect(e.code == "tpm.state-corrupt")
            }
        }
    }

    @Test func mutatedSpecsAndSelectionsNeverTrap() {
        var rng = SplitMix64(seed: 0x7E57_0002)
        let specs = ["soft:/tmp/x", "swtpm:host=127.0.0.1,port=2321", "device:/dev/tpmrm0", "tcti:mssim:port=1"]
        let selections = ["sha256:0,4,7", "sha1:0,1+sha256:all", "sha384:23"]
        for _ in 0..<300 {
            for text in specs + selections {
                let mutated = String(decoding: rng.mutate(Array(text.utf8)), as: UTF8.self)
                do { _ = try TPMSpec(parsing: mutated) } catch { #expect(error is TPMError) }
                do { _ = try PCRSelectionParser.parse(mutated) } catch { #expect(error is TPMError) }
            }
        }
    }
}
