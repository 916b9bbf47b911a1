import ArgumentParser
import AsyncHTTPClient
import AttestCore
import AttestServer
import Foundation

/// `hostattest token verify`: what a fabric controller runs at join time. Exit 0 valid and affirming,
/// 1 invalid, expired or not affirming, 2 bad input (unreadable token or JWKS).
struct TokenVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify an EAR admission token against the server's JWKS.")

    @Argument(help: "The token, or @FILE to read it from a file.") var token: String
    @Option(name: .long, help: "The JWKS: an http(s) URL (…/.well-known/jwks.json) or a file.") var jwks: String
    @Option(name: .long, help: "The audience the token must name.") var audience: String?
    @OptionGroup var out: OutputOptions

    struct Result: Encodable { var claims: EARClaims?; var report: VerificationReport }

    func run() async throws {
        let text = token.hasPrefix("@") ? try Files.readText(String(token.dropFirst())) : token
        let compact = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard compact.split(separator: ".", omittingEmptySubsequences: false).count == 3 else {
            throw CLIError("the token is not a compact JWS (three base64url parts separated by dots)")
        }
        let jwksJSON = try await Self.loadJWKS(jwks)
        guard let object = try? JSONSerialization.jsonObject(with: Data(jwksJSON.utf8)) as? [String: Any], object["keys"] is [Any] else {
            throw CLIError("\(jwks): not a JWKS (a JSON object with a \"keys\" array)")
        }
        let r = await TokenVerifier.verify(token: compact, jwksJSON: jwksJSON, audience: audience, time: Date())
        try Output.emitVerdict(Result(claims: r.claims, report: r.report), verified: r.isValid, json: out.json) {
            Output.describe(r.report, subject: "token" + (r.claims.map { " for host \($0.hostID), attestation \($0.attestationID)" } ?? ""))
        }
        if !r.isValid { throw ExitCode.rejected }
    }

    static func loadJWKS(_ location: String) async throws -> String {
        guard location.hasPrefix("http://") || location.hasPrefix("https://") else { return try Files.readText(location) }
        do {
            let request = HTTPClientRequest(url: location)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            guard response.status.code == 200 else { throw CLIError("\(location): HTTP \(response.status.code)") }
            let body = try await response.body.collect(upTo: 1 << 20)
            return String(buffer: body)
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError("\(location): cannot fetch the JWKS: \(error)")
        }
    }
}
