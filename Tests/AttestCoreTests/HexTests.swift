import Testing
@testable import AttestCore

/// `hexEquals` (the appraiser's digest check) agrees with `hex ==` on every case, refusals included.
@Suite struct HexTests {
    @Test func hexEqualsAgreesWithHex() {
        for n in [0, 1, 20, 32, 48] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 71 &+ 13) }
            let hex = bytes.hex
            #expect(bytes.hexEquals(hex))
            #expect(bytes[...].hexEquals(hex))
            #expect(bytes.lazy.map { $0 }.hexEquals(hex) && !bytes.lazy.map { $0 }.hexEquals(hex + "00"), "a sequence without contiguous storage")
            #expect(!bytes.hexEquals(hex + "0"))
            #expect(!bytes.hexEquals(hex + " "))
            if n > 0 {
                #expect(!bytes.hexEquals(String(hex.dropLast())))
                #expect(!bytes.hexEquals(String(hex.dropLast(2))))
                #expect(!bytes.hexEquals("0x" + hex.dropFirst(2)))
                var wrong = Array(hex.utf8); wrong[wrong.count - 1] = wrong.last == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
                #expect(!bytes.hexEquals(String(decoding: wrong, as: UTF8.self)))
                if hex.contains(where: { $0.isLetter }) { #expect(!bytes.hexEquals(hex.uppercased()), "baselines are lowercase hex, as before") }
            }
        }
    }
}
