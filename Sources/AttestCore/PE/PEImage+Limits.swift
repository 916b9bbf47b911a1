/// Bounds on what a PE image may ask of its parser and of Authenticode hashing, so that the work
/// is linear in the file's size whatever its headers say.
///
/// - At most ``maxSections`` sections (PE Format, "COFF File Header": the Windows loader limits
///   NumberOfSections to 96; the field itself allows 65535).
/// - Section raw-data ranges must not overlap one another: the Authenticode digest hashes every
///   section's raw data in turn, so sections that all point at the same bytes would hash them once
///   per section. With disjoint sections the digest covers at most the headers plus the file once
///   (a section may still overlap the headers, as a few linkers emit), so under twice the file size.
/// - At most ``maxCertificateEntries`` `WIN_CERTIFICATE` entries: each is a signature whose chain is
///   built and checked (UEFI images carry one or two).
extension PEImage {
    /// Most sections accepted (`pe.too-many-sections`).
    public static let maxSections = 96
    /// Most WIN_CERTIFICATE entries accepted in the certificate table (`pe.too-many-certificate-entries`).
    public static let maxCertificateEntries = 16

    /// Throws `pe.overlapping-sections` when two sections' raw data share a byte. Linear after a sort
    /// of at most ``maxSections`` entries: sorted by start, a section overlaps an earlier one exactly
    /// when it starts before the furthest end seen so far.
    static func checkSectionsDisjoint(_ sections: [ImageSectionHeader], tableOffset: Int) throws {
        let order = sections.indices.filter { sections[$0].sizeOfRawData > 0 }
            .sorted { (sections[$0].pointerToRawData, $0) < (sections[$1].pointerToRawData, $1) }
        var furthest: (end: Int, index: Int)? = nil
        for i in order {
            let range = sections[i].rawDataRange
            if let f = furthest, range.lowerBound < f.end {
                let other = sections[f.index]
                throw ParseError("IMAGE_SECTION_HEADER", at: tableOffset + 40 * i,
                                 "section '\(sections[i].name)' raw data 0x\(String(range.lowerBound, radix: 16))+0x\(String(range.count, radix: 16)) overlaps section '\(other.name)' (0x\(String(other.rawDataRange.lowerBound, radix: 16))+0x\(String(other.rawDataRange.count, radix: 16))): Authenticode would hash those bytes twice",
                                 code: .peOverlappingSections)
            }
            if furthest == nil || range.upperBound > furthest!.end { furthest = (range.upperBound, i) }
        }
    }
}
