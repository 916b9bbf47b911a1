/// VIB acceptance levels, from most to least trusted: certified > accepted > partner > community.
/// A host accepts VIBs at or above its own level; an unsigned VIB is at most `community`.
public enum AcceptanceLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case community
    case partner
    case accepted
    case certified

    /// 0 (community) to 3 (certified).
    public var rank: Int {
        switch self {
        case .community: return 0
        case .partner: return 1
        case .accepted: return 2
        case .certified: return 3
        }
    }

    public static func < (a: AcceptanceLevel, b: AcceptanceLevel) -> Bool { a.rank < b.rank }

    /// The levels that need a signature (all but community), most trusted first.
    public static let signedLevels: [AcceptanceLevel] = [.certified, .accepted, .partner]

    public var description: String { rawValue }
}
