/// Why a credential could not be made for an EK.
public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
