import ArgumentParser

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Check admission tokens (EAR, ES256 JWT).",
                                                    subcommands: [TokenVerify.self])
}
