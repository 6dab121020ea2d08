/// The language an evidence report's HTML page declares (`<html lang>`), so that screen readers,
/// hyphenation and spell checkers treat the checklist's text right. Nothing new is stored: it is
/// read from the checklist's own text. A checklist with Norwegian letters (æ, ø, å) is `nb`,
/// the language the shipped checklist is written in; any other is `en`, the language of the
/// report's own headings. Danish also has those letters: such a checklist is reported as `nb`.
enum ReportLanguage {
    /// `nb` or `en`, from the titles of `checklist`.
    static func of(_ checklist: Checklist) -> String {
        let text = ([checklist.title] + checklist.sections.flatMap { [$0.title] + $0.items.map(\.title) }).joined(separator: " ")
        return text.unicodeScalars.contains { "æøåÆØÅ".unicodeScalars.contains($0) } ? "nb" : "en"
    }
}
