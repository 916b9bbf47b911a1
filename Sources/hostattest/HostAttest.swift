import ArgumentParser
import Foundation

@main
struct HostAttest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostattest",
        abstract: "Decide whether a server may be trusted: signed boot chain, measured boot, attestation.",
        discussion: """
        Exit codes: 0 verified/admitted, 1 verification failed/rejected, 2 bad input or usage.
        Every command takes --json for machine-readable output.
        """,
        subcommands: [
            KeysCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            PECommand.self,
            VIBCommand.self,
            ProfileCommand.self,
            EventLogCommand.self,
            TPMCommand.self,
            QuoteCommand.self,
            BootCommand.self,
            BaselineCommand.self,
            Serve.self,
            AttestCommand.self,
            TokenCommand.self,
            BenchCommand.self,
            DemoCommand.self,
        ]
    )

    /// Maps every failure onto the exit-code contract: argument-parser's usage errors (64) and any
    /// bad input become 2; verification failures throw `ExitCode(1)` themselves after printing.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("hostattest: error: \(error.description)\n".utf8))
            Foundation.exit(ExitCode.badInput.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data("hostattest: error: \(message)\n".utf8))
            Foundation.exit(ExitCode.badInput.rawValue)
        }
    }
}

extension ExitCode {
    /// Verification failed or the host was rejected.
    static let rejected = ExitCode(1)
    /// Bad input or usage.
    static let badInput = ExitCode(2)
}
