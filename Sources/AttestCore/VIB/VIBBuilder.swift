import Foundation

/// Builds an unsigned VIB from a descriptor template and payload files, filling each payload's
/// `size`, `uncompressed-size` and its `sha-256` (member bytes), gunzip `sha-256` and gunzip `sha-1` checksums.
public enum VIBBuilder {
    public struct PayloadInput: Sendable {
        /// The member name (the payload's `name` in the descriptor).
        public var name: String
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
    }

    /// Payloads are matched to the descriptor's `<payload>` entries by name; a payload with no entry
    /// is added (type `tgz` when its name ends in `.tgz` or `tar.gz`, else `vgz`). A descriptor entry
    /// with no payload is an error. The archive holds `descriptor.xml`, an empty `sig.pkcs7`, then the
    /// payloads in descriptor order.
    public static func build(descriptor template: [UInt8], payloads: [PayloadInput]) throws -> (vib: [UInt8], descriptor: VIBDescriptor) {
        var descriptor = try VIBDescriptor(bytes: template)
        var byName: [String: PayloadInput] = [:]
        for p in payloads {
            guard byName.updateValue(p, forKey: p.name) == nil else {
                throw ParseError("VIB payloads", "payload \"\(p.name)\" is given twice", code: .vibBuild)
            }
        }
        for p in payloads where !descriptor.payloads.contains(where: { $0.name == p.name }) {
            let type: VIBDescriptor.PayloadType = (p.name.hasSuffix(".tgz") || p.name.hasSuffix("tar.gz")) ? .tgz : .vgz
            descriptor.payloads.append(.init(name: p.name, type: type))
        }
        var members: [(name: String, bytes: [UInt8])] = []
        for index in descriptor.payloads.indices {
            let name = descriptor.payloads[index].name
            guard let input = byName[name] else {
                throw ParseError("descriptor.xml", "payload \"\(name)\" has no --payload file of that name", code: .vibBuild)
            }
            var sha256 = DigestAlgorithm.sha256.hasher()
            var sha1 = DigestAlgorithm.sha1.hasher()
            var uncompressed = 0
            do {
                try input.bytes.withUnsafeBytes { buf in
                    try Gzip.decompress(buf, maxOutput: VIBPayloadCheck.maxDecompressedSize) { chunk in
                        sha256.update(chunk); sha1.update(chunk); uncompressed += chunk.count
                    }
                }
            } catch let error as ParseError {
                throw ParseError("payload \"\(name)\"", at: error.offset, "is not a gzip stream: \(error.problem)", code: error.code)
            }
            descriptor.payloads[index].size = input.bytes.count
            descriptor.payloads[index].sha256 = DigestAlgorithm.sha256.hash(input.bytes)
            descriptor.payloads[index].gunzipSHA256 = sha256.finalize()
            descriptor.payloads[index].gunzipSHA1 = sha1.finalize()
            descriptor.payloads[index].uncompressedSize = uncompressed
            members.append((name, input.bytes))
        }
        let descriptorBytes = descriptor.rendered()
        let final = try VIBDescriptor(bytes: descriptorBytes)
        let vib = try ArArchive.write([("descriptor.xml", descriptorBytes), ("sig.pkcs7", [])] + members)
        return (vib, final)
    }
}
