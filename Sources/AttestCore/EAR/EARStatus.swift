/// An EAR trust tier (draft-ietf-rats-ear-04; AR4SI): none 0, affirming 2, warning 32,
/// contraindicated 96.
public enum EARStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case affirming
    case warning
    case contraindicated

    /// The tier of one trustworthiness claim value: 2…31 or −32…−2 affirm, 32…95 or −96…−33 warn,
    /// 96…127 or −128…−97 contraindicate, −1…1 say nothing.
    public init(claim value: Int) {
        switch abs(value) {
        case 0...1: self = .none
        case 2...31: self = .affirming
        case 32...95: self = .warning
        default: self = .contraindicated
        }
    }
}
