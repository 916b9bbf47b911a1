import AttestCore
import Crypto
import _CryptoExtras

extension TPMTPublic {
    /// The key as a PEM SubjectPublicKeyInfo (what `tpm2_createak -f pem` writes): P-256/P-384 or RSA.
    public func pemRepresentation() throws -> String {
        func pad(_ c: [UInt8], _ size: Int) throws -> [UInt8] {
            let t = Array(c.drop { $0 == 0 })
            guard t.count <= size else { throw TPMError(TPMError.unsupported, "ECC coordinate longer than \(size) bytes") }
            return [UInt8](repeating: 0, count: size - t.count) + t
        }
        switch key {
        case .ecc(let parms, let point):
            switch parms.curveID {
            case TPMECCCurve.nistP256:
                return try P256.Signing.PublicKey(rawRepresentation: try pad(point.x, 32) + pad(point.y, 32)).pemRepresentation
            case TPMECCCurve.nistP384:
                return try P384.Signing.PublicKey(rawRepresentation: try pad(point.x, 48) + pad(point.y, 48)).pemRepresentation
            default:
                throw TPMError(TPMError.unsupported, "ECC curve 0x\(String(parms.curveID, radix: 16)) has no PEM form here")
            }
        case .rsa(let parms, let modulus):
            let e = parms.effectiveExponent
            let exponent = [UInt8(e >> 24), UInt8((e >> 16) & 0xff), UInt8((e >> 8) & 0xff), UInt8(e & 0xff)].drop { $0 == 0 }
            return try _RSA.Signing.PublicKey(n: modulus, e: Array(exponent)).pemRepresentation
        }
    }
}
