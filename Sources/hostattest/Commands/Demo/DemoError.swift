/// A demo that cannot run at all (exit 2): missing sample images, a server that does not start.
/// An outcome that differs from the expected one is not an error: it is a failed row (exit 1).
enum DemoError: Error, CustomStringConvertible {
    case setup(String)
    var description: String { switch self { case .setup(let s): return s } }
}
