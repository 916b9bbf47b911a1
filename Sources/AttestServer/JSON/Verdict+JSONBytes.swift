import AttestWire

extension Verdict {
    /// This verdict as JSON, written once per attestation for the audit row, the host's last verdict
    /// and the response (byte for byte what ``JSONCoding/encoder`` writes).
    func jsonBytes() -> [UInt8] {
        var w = JSONBytes(capacity: 1024 + (token?.utf8.count ?? 0))
        var o = w.beginObject()
        w.member("at", at, in: &o)
        w.member("attestationId", attestationId, in: &o)
        w.member("baseline", baseline, in: &o)
        w.key("findings", in: &o)
        w.array(findings) { w, f in
            var fo = w.beginObject()
            w.member("code", f.code, in: &fo)
            w.member("component", f.component, in: &fo)
            w.member("message", f.message, in: &fo)
            w.end(fo)
        }
        w.member("hostId", hostId, in: &o)
        if let next = nextChallenge {
            w.key("nextChallenge", in: &o)
            var co = w.beginObject()
            w.member("expiresAt", next.expiresAt, in: &co)
            w.member("nonce", next.nonce, in: &co)
            w.end(co)
        }
        w.key("notes", in: &o)
        w.array(notes) { w, n in w.string(n) }
        w.member("status", status.rawValue, in: &o)
        w.member("token", token, in: &o)
        w.end(o)
        return w.bytes
    }
}
