/// One libFuzzer target: a parser entry point, the dictionary of its format's magic tokens, and
/// where its seeds come from. Seeds are repository files (fixtures, sample image, manifests, demo
/// keys) copied by `Scripts/fuzz.sh`, plus small inputs the target makes itself (TPM vectors, …).
struct FuzzTarget: Sendable {
    /// The name given in `FUZZ_TARGET` / `make fuzz FUZZ_TARGET=…`.
    let name: String
    /// A file under `Fuzz/dict/` (without `.dict`), or nil when the format has no magic tokens.
    let dictionary: String?
    /// Repository-relative files or folders whose files (up to 1 MiB each) seed the corpus.
    let seedPaths: [String]
    /// Seeds that are easier to write as code than to commit as binary files.
    let generatedSeeds: @Sendable () -> [[UInt8]]
    /// The entry point: parses arbitrary bytes and must never trap, leak, hang or blow up memory.
    let run: @Sendable ([UInt8]) -> Void

    init(_ name: String, dictionary: String? = nil, seeds seedPaths: [String] = [],
         generated generatedSeeds: @escaping @Sendable () -> [[UInt8]] = { [] },
         _ run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.dictionary = dictionary
        self.seedPaths = seedPaths
        self.generatedSeeds = generatedSeeds
        self.run = run
    }
}
