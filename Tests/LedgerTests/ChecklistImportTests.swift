import Foundation
import Ledger
import XCTest

final class ChecklistImportTests: XCTestCase {
    // MARK: Helpers

    private func parse(_ text: String, source: String = "test.md") throws -> ChecklistImport {
        try MarkdownChecklistParser.parse(Data(text.utf8), source: source)
    }

    private func seed() throws -> Checklist {
        try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName).checklist
    }

    /// Asserts that importing `data` fails as invalid input at `line`, with a hint.
    func assertRefused(
        _ data: Data, line: Int, mentioning fragment: String, source: String = "test.md",
        file: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        XCTAssertThrowsError(try MarkdownChecklistParser.parse(data, source: source), file: file, line: sourceLine) { error in
            guard let error = error as? LedgerError else {
                return XCTFail("not a LedgerError: \(error)", file: file, line: sourceLine)
            }
            XCTAssertEqual(error.kind, .invalidInput, file: file, line: sourceLine)
            XCTAssertTrue(error.message.hasPrefix("\(source):\(line): "), "message: \(error.message)", file: file, line: sourceLine)
            XCTAssertTrue(error.message.contains(fragment), "message: \(error.message)", file: file, line: sourceLine)
            XCTAssertFalse((error.hint ?? "").isEmpty, "no hint for: \(error.message)", file: file, line: sourceLine)
        }
    }

    private func assertRefused(
        _ text: String, line: Int, mentioning fragment: String,
        file: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        assertRefused(Data(text.utf8), line: line, mentioning: fragment, file: file, sourceLine: sourceLine)
    }

    private func resolveError(_ checklist: Checklist, _ query: String) -> LedgerError? {
        do {
            _ = try checklist.resolve(query)
            return nil
        } catch {
            return error as? LedgerError
        }
    }

    // MARK: The shipped seed checklist

    func testSeedImportsWithExactCounts() throws {
        let imported = try MarkdownChecklistParser.parse(ShippedChecklist.defaultMarkdown, source: ShippedChecklist.defaultName)
        let checklist = imported.checklist
        XCTAssertEqual(checklist.title, "Produksjons-sjekkliste for Eiendomsmuligheter")
        XCTAssertEqual(imported.warnings, [])
        // The design says 11 × 5, but the file's first section really has 6 items: 56 in all.
        XCTAssertEqual(checklist.sections.count, 11)
        XCTAssertEqual(checklist.sections.map(\.items.count), [6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5])
        XCTAssertEqual(checklist.allItems.count, 56)
        XCTAssertEqual(checklist.sections.map(\.number), (1...11).map(String.init))
        XCTAssertEqual(checklist.sections.map(\.id), [
            "sikkerhet", "overvaking-og-logging", "database", "frontend", "backend",
            "ai-og-machine-learning", "testing", "ytelse", "skalering", "dokumentasjon",
            "support-og-vedlikehold",
        ])
        XCTAssertEqual(checklist.sections[1].title, "Overvåking og Logging")
        XCTAssertEqual(checklist.sections[10].title, "Support og Vedlikehold")
    }

    func testSeedItemsKeepNorwegianLettersAndGetStableIDs() throws {
        let checklist = try seed()
        let first = checklist.allItems[0]
        XCTAssertEqual(first.fullID, "sikkerhet/ssl-sertifikater-installert-og-konfigurert")
        XCTAssertEqual(first.item.number, "1.1")
        XCTAssertEqual(first.item.title, "SSL-sertifikater installert og konfigurert")
        XCTAssertEqual(first.path, "items/sikkerhet/ssl-sertifikater-installert-og-konfigurert.json")
        XCTAssertEqual(first.section, ChecklistSectionInfo(id: "sikkerhet", number: "1", title: "Sikkerhet"))

        let key = checklist.sections[0].items[4]
        XCTAssertEqual(key.title, "Sikker nøkkelhåndtering implementert")
        XCTAssertEqual(key.id, "sikker-nokkelhandtering-implementert")
        XCTAssertEqual(key.number, "1.5")
        XCTAssertEqual(checklist.sections[0].items[5].number, "1.6")
        XCTAssertEqual(checklist.sections[0].items[5].id, "gdpr-compliance-verifisert")

        let image = checklist.sections[3].items[2]
        XCTAssertEqual(image.title, "Image optimization utført")
        XCTAssertEqual(image.id, "image-optimization-utfort")
        XCTAssertEqual(image.number, "4.3")

        let last = checklist.allItems.last!
        XCTAssertEqual(last.fullID, "support-og-vedlikehold/update-prosedyrer-dokumentert")
        XCTAssertEqual(last.item.number, "11.5")

        let ids = checklist.allItems.map(\.fullID)
        XCTAssertEqual(Set(ids).count, 56)
        XCTAssertTrue(checklist.allItems.allSatisfy { Slug.isValidID($0.item.id) && $0.item.tags.isEmpty })
        XCTAssertEqual(checklist.item(withID: "frontend/cdn-konfigurert")?.item.number, "4.1")
        XCTAssertNil(checklist.item(withID: "frontend/nope"))
    }

    func testSeedFileInRepositoryMatchesShippedCopy() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ledger/produksjons-sjekkliste.md")
        let fromDisk = try MarkdownChecklistParser.parse(Data(contentsOf: url), source: "ledger/produksjons-sjekkliste.md")
        XCTAssertEqual(fromDisk.checklist, try seed())
    }

    // MARK: Markdown syntax variants

    func testHeadingNumberStyles() throws {
        let checklist = try parse("""
        # List
        ## 3. Dot
        - [ ] a
        ## 4) Paren
        - [ ] b
        ## 5 Space
        - [ ] c
        ### 06. Leading zero
        - [ ] d
        """).checklist
        XCTAssertEqual(checklist.sections.map(\.number), ["3", "4", "5", "6"])
        XCTAssertEqual(checklist.sections.map(\.title), ["Dot", "Paren", "Space", "Leading zero"])
        XCTAssertEqual(checklist.sections.map(\.id), ["dot", "paren", "space", "leading-zero"])
        XCTAssertEqual(checklist.allItems.map(\.item.number), ["3.1", "4.1", "5.1", "6.1"])
    }

    func testUnnumberedSectionsAreNumberedByPosition() throws {
        let checklist = try parse("""
        ## Alpha
        - [ ] one
        - [ ] two
        ## Beta ##
        - [ ] three
        """).checklist
        XCTAssertEqual(checklist.sections.map(\.number), ["1", "2"])
        XCTAssertEqual(checklist.sections.map(\.title), ["Alpha", "Beta"])
        XCTAssertEqual(checklist.allItems.map(\.item.number), ["1.1", "1.2", "2.1"])
        XCTAssertEqual(checklist.title, "test", "no title heading: the source file name without extension")
    }

    func testAllBulletMarkersAndCheckboxStates() throws {
        let imported = try parse("""
        # T
        ## S
        - [ ] dash
        * [ ] star
        + [ ] plus
        1. [ ] ordered
        - [x] done lower
        - [X] done upper
        - not a task
        -[ ] not a task either
        """)
        XCTAssertEqual(imported.checklist.allItems.map(\.item.title),
                       ["dash", "star", "plus", "ordered", "done lower", "done upper"])
        XCTAssertEqual(imported.warnings.map(\.line), [7, 8])
        XCTAssertEqual(
            imported.warnings[0].description,
            "line 7: item 'done lower' is marked done in the source but is imported as open: "
                + "a sign-off must be signed (use `readiness check s/done-lower`)")
    }

    func testNestedItemsAreFlattenedIntoTheirSection() throws {
        let checklist = try parse("""
        ## Parent
        - [ ] top
          - [ ] child
            - [ ] grandchild
        \t- [ ] tabbed
        - [ ] next
        """).checklist
        XCTAssertEqual(checklist.sections.count, 1)
        XCTAssertEqual(checklist.allItems.map(\.item.title), ["top", "child", "grandchild", "tabbed", "next"])
        XCTAssertEqual(checklist.allItems.map(\.item.number), ["1.1", "1.2", "1.3", "1.4", "1.5"])
    }

    func testCRLFBOMAndTrailingBlanks() throws {
        let text = "\u{FEFF}# Tittel \t\r\n\r\n## 1. Første del  \r\n- [ ] Øl på bordet\t \r\n- [ ] Ærlig talt  \r\n"
        let checklist = try parse(text).checklist
        XCTAssertEqual(checklist.title, "Tittel")
        XCTAssertEqual(checklist.sections[0].title, "Første del")
        XCTAssertEqual(checklist.sections[0].id, "forste-del")
        XCTAssertEqual(checklist.allItems.map(\.item.title), ["Øl på bordet", "Ærlig talt"])
        XCTAssertEqual(checklist.allItems.map(\.item.id), ["ol-pa-bordet", "aerlig-talt"])
    }

    func testExplicitIDsOnItemsAndSections() throws {
        let checklist = try parse("""
        ## 2. Sikkerhet {#sec}
        - [ ] SSL installert {#ssl}
        - [ ] Brannmur{#fw.v2_x}
        - [ ] Uten id
        """).checklist
        XCTAssertEqual(checklist.sections[0].id, "sec")
        XCTAssertEqual(checklist.sections[0].title, "Sikkerhet")
        XCTAssertEqual(checklist.sections[0].number, "2")
        XCTAssertEqual(checklist.allItems.map(\.fullID), ["sec/ssl", "sec/fw.v2_x", "sec/uten-id"])
        XCTAssertEqual(checklist.allItems.map(\.item.title), ["SSL installert", "Brannmur", "Uten id"])
    }

    func testNonTaskLinesAndCodeFencesAreIgnored() throws {
        let checklist = try parse("""
        # Real title

        Some paragraph with - [ ] inside it.
        - plain bullet

        ## Section
        ```markdown
        ## Not a heading
        - [ ] not an item
        ```
        - [ ] real item
        ~~~~
        - [ ] also not an item
        ~~~
        still fenced
        ~~~~
            - [ ] indented item counts
        """).checklist
        XCTAssertEqual(checklist.title, "Real title")
        XCTAssertEqual(checklist.sections.map(\.title), ["Section"])
        XCTAssertEqual(checklist.allItems.map(\.item.title), ["real item", "indented item counts"])
    }

    func testUnclosedFenceWarns() throws {
        let imported = try parse("## S\n- [ ] a\n```\n- [ ] hidden\n")
        XCTAssertEqual(imported.checklist.allItems.count, 1)
        XCTAssertEqual(imported.warnings.map(\.line), [3])
    }

    func testTitleSelection() throws {
        XCTAssertEqual(try parse("## Intro\n# Real\n## S\n- [ ] a").checklist.title, "Real", "first H1 wins")
        XCTAssertEqual(try parse("## Intro\n### More\n## S\n- [ ] a").checklist.title, "Intro", "else first heading")
        XCTAssertEqual(try parse("## S\n- [ ] a", source: "/tmp/lists/my-list.md").checklist.title, "my-list")
        // A heading with items is a section even when it is an H1.
        let checklist = try parse("# Only\n- [ ] a").checklist
        XCTAssertEqual(checklist.title, "test")
        XCTAssertEqual(checklist.sections.map(\.title), ["Only"])
    }

    func testGroupingHeadingsBetweenSectionsAreIgnored() throws {
        let checklist = try parse("""
        # Title
        # Part one
        ## A
        - [ ] a
        # Part two
        Intro text.
        ## B
        - [ ] b
        """).checklist
        XCTAssertEqual(checklist.title, "Title")
        XCTAssertEqual(checklist.sections.map(\.title), ["A", "B"])
        XCTAssertEqual(checklist.sections.map(\.number), ["1", "2"])
    }

    func testTrailingHashtagsBecomeTags() throws {
        let checklist = try parse("""
        ## S
        - [ ] Krypter backup #GDPR #sikkerhet #gdpr
        - [ ] Med id #drift {#med-id}
        - [ ] Fix issue #12
        - [ ] Bygg med C#
        - [ ] Ord#limt
        - [ ] Midt #inni tittelen
        """).checklist
        let items = checklist.sections[0].items
        XCTAssertEqual(items[0].title, "Krypter backup")
        XCTAssertEqual(items[0].tags, ["gdpr", "sikkerhet"])
        XCTAssertEqual(items[0].id, "krypter-backup")
        XCTAssertEqual(items[1].title, "Med id")
        XCTAssertEqual(items[1].tags, ["drift"])
        XCTAssertEqual(items[1].id, "med-id")
        XCTAssertEqual(items[2].title, "Fix issue #12")
        XCTAssertEqual(items[2].tags, [])
        XCTAssertEqual(items[3].title, "Bygg med C#")
        XCTAssertEqual(items[4].title, "Ord#limt")
        XCTAssertEqual(items[5].title, "Midt #inni tittelen")
    }

    func testTabInsideTitleIsAllowed() throws {
        let checklist = try parse("## S\n- [ ] a\tb")
        XCTAssertEqual(checklist.checklist.allItems[0].item.title, "a\tb")
    }

    // MARK: Ids, truncation and collisions

    func testLongTitlesAreCutAtAWordBoundary() throws {
        let checklist = try parse("## S\n- [ ] Alpha bravo charlie delta echo foxtrot golf hotel india juliet").checklist
        XCTAssertEqual(checklist.allItems[0].item.id, "alpha-bravo-charlie-delta-echo-foxtrot-golf")
    }

    func testCollidingTruncatedIDsFallBackToFullSlugs() throws {
        let checklist = try parse("""
        ## S
        - [ ] Alpha bravo charlie delta echo foxtrot golf hotel one
        - [ ] Alpha bravo charlie delta echo foxtrot golf hotel two
        - [ ] Something else
        """).checklist
        XCTAssertEqual(checklist.allItems.map(\.item.id), [
            "alpha-bravo-charlie-delta-echo-foxtrot-golf-hotel-one",
            "alpha-bravo-charlie-delta-echo-foxtrot-golf-hotel-two",
            "something-else",
        ])
    }

    func testSameTitleInDifferentSectionsIsFine() throws {
        let checklist = try parse("## A\n- [ ] Deploy\n## B\n- [ ] Deploy").checklist
        XCTAssertEqual(checklist.allItems.map(\.fullID), ["a/deploy", "b/deploy"])
    }

    // MARK: Refused input

    func testNoItemsAtAll() {
        assertRefused("# Title\n\nJust text.\n- plain bullet\n", line: 1, mentioning: "no task items")
        assertRefused("", line: 1, mentioning: "no task items")
        assertRefused("## S\n```\n- [ ] fenced\n```\n", line: 1, mentioning: "no task items")
    }

    func testItemBeforeAnyHeading() {
        assertRefused("Intro\n- [ ] orphan\n## S\n- [ ] b", line: 2, mentioning: "before any heading")
    }

    func testDuplicateDerivedItemIDs() {
        assertRefused("## S\n- [ ] Same thing\n- [ ] Same  thing!", line: 3, mentioning: "same-thing")
        // Identical beyond 64 characters: even the full slug collides, and is too long anyway.
        let long = String(repeating: "word ", count: 14)
        assertRefused("## S\n- [ ] \(long)one\n- [ ] \(long)two", line: 3, mentioning: "already used")
    }

    func testDuplicateExplicitItemIDs() {
        assertRefused("## S\n- [ ] A {#x}\n- [ ] B\n- [ ] C {#x}", line: 4, mentioning: "'x'")
        assertRefused("## S\n- [ ] X\n- [ ] B {#x}", line: 2, mentioning: "'x'")
    }

    func testDuplicateSectionIDsAndNumbers() {
        assertRefused("## S\n- [ ] a\n## S\n- [ ] b", line: 3, mentioning: "section id 's'")
        assertRefused("## A {#s}\n- [ ] a\n## B {#s}\n- [ ] b", line: 3, mentioning: "section id 's'")
        assertRefused("## 1. A\n- [ ] a\n## 1) B\n- [ ] b", line: 3, mentioning: "section number 1")
        assertRefused("## 2. A\n- [ ] a\n## B\n- [ ] b", line: 3, mentioning: "section number 2")
    }

    func testInvalidExplicitIDs() {
        for bad in ["../etc", "a/b/c", "s/../x", "Upper", "a..b", "-lead", ".", "", "ø", "a b", String(repeating: "a", count: 65)] {
            assertRefused("## S\n- [ ] Title {#\(bad)}", line: 2, mentioning: "id '\(bad)' is not allowed")
        }
        assertRefused("## S\n- [ ] Title {#a\u{1}b}", line: 2, mentioning: "id 'a\\u{1}b' is not allowed")
        assertRefused("## S {#../up}\n- [ ] Title", line: 1, mentioning: "section id '../up'")
        // A full id (as `checklist export` writes it) must name the section the item stands in.
        assertRefused("## S\n- [ ] Title {#a/b}", line: 2, mentioning: "item id 'a/b' names section 'a' but the item stands in section 's'")
        assertRefused("## S {#s/t}\n- [ ] Title", line: 1, mentioning: "section id 's/t'")
    }

    func testFullExplicitIDNamesTheItemInItsSection() throws {
        let imported = try MarkdownChecklistParser.parse(Data("## S\n- [ ] Title {#s/b}\n".utf8), source: "test.md")
        XCTAssertEqual(imported.checklist.allItems.map(\.fullID), ["s/b"])
        XCTAssertEqual(imported.itemSources, [ChecklistImport.ItemSource(line: 2, reference: "s/b")])
    }

    func testEmptyItemTitles() {
        assertRefused("## S\n- [ ] a\n- [ ]", line: 3, mentioning: "no title")
        assertRefused("## S\n- [ ] a\n- [ ]    ", line: 3, mentioning: "no title")
        assertRefused("## S\n- [ ] {#only-id}", line: 2, mentioning: "no title")
    }

    func testTitlesWithoutLettersNeedAnExplicitID() throws {
        assertRefused("## S\n- [ ] 🚀🔥", line: 2, mentioning: "no letters or digits")
        assertRefused("## 1. 🚀\n- [ ] a", line: 1, mentioning: "no letters or digits")
        let checklist = try parse("## 1. 🚀 {#launch}\n- [ ] 🔥 {#fire}").checklist
        XCTAssertEqual(checklist.allItems.map(\.fullID), ["launch/fire"])
        XCTAssertEqual(checklist.allItems[0].item.title, "🔥")
    }

    func testInvalidUTF8ReportsTheLine() {
        var bytes = Array("## S\n- [ ] a\n- [ ] b".utf8)
        bytes.insert(0xFF, at: bytes.count - 1)
        assertRefused(Data(bytes), line: 3, mentioning: "invalid UTF-8")
        // Overlong encoding of "/", a lone surrogate and a truncated sequence are malformed too.
        assertRefused(Data(Array("## S\n".utf8) + [0xC0, 0xAF]), line: 2, mentioning: "invalid UTF-8")
        assertRefused(Data(Array("## S\n- [ ] a\n\n".utf8) + [0xED, 0xA0, 0x80]), line: 4, mentioning: "invalid UTF-8")
        assertRefused(Data(Array("## S\n- [ ] a".utf8) + [0xE2, 0x82]), line: 2, mentioning: "invalid UTF-8")
    }

    func testControlCharactersInTitles() {
        assertRefused("## S\n- [ ] a\n- [ ] b\u{0}c", line: 3, mentioning: "U+0000")
        assertRefused("## S\n- [ ] a\u{1B}[31mred", line: 2, mentioning: "U+001B")
        assertRefused("## S\u{7}\n- [ ] a", line: 1, mentioning: "U+0007")
        assertRefused("# Ti\u{8}tle\n## S\n- [ ] a", line: 1, mentioning: "U+0008")
        assertRefused("## S\n- [ ] a\rb", line: 2, mentioning: "U+000D")
    }

    func testSourceNameAppearsInMessages() {
        assertRefused(Data("".utf8), line: 1, mentioning: "no task items", source: "dir/list.md")
    }

    // MARK: Resolving references

    func testResolveByFullIDNumberAndItemID() throws {
        let checklist = try seed()
        let ssl = "sikkerhet/ssl-sertifikater-installert-og-konfigurert"
        XCTAssertEqual(try checklist.resolve(ssl).fullID, ssl)
        XCTAssertEqual(try checklist.resolve("1.1").fullID, ssl)
        XCTAssertEqual(try checklist.resolve("11.5").fullID, "support-og-vedlikehold/update-prosedyrer-dokumentert")
        XCTAssertEqual(try checklist.resolve("cdn-konfigurert").fullID, "frontend/cdn-konfigurert")
        XCTAssertEqual(try checklist.resolve("  1.6 ").item.id, "gdpr-compliance-verifisert")
    }

    func testResolveByPrefixAndCaseInsensitively() throws {
        let checklist = try seed()
        let ssl = "sikkerhet/ssl-sertifikater-installert-og-konfigurert"
        XCTAssertEqual(try checklist.resolve("sikkerhet/ssl").fullID, ssl)
        XCTAssertEqual(try checklist.resolve("ssl").fullID, ssl)
        XCTAssertEqual(try checklist.resolve("Sikkerhet/SSL").fullID, ssl)
        XCTAssertEqual(try checklist.resolve("SIKKERHET/SSL-SERTIFIKATER-INSTALLERT-OG-KONFIGURERT").fullID, ssl)
        XCTAssertEqual(try checklist.resolve("Overvåking og Logging/CloudWatch").item.number, "2.1")
        XCTAssertEqual(try checklist.resolve("Sikker nøkkelhåndtering").item.number, "1.5")
    }

    func testExactItemIDBeatsLongerPrefixMatches() throws {
        let checklist = try parse("## A\n- [ ] Backup\n- [ ] Backup verified\n## B\n- [ ] Deploy\n## C\n- [ ] Deploy").checklist
        XCTAssertEqual(try checklist.resolve("backup").fullID, "a/backup")
        XCTAssertEqual(try checklist.resolve("backup-v").fullID, "a/backup-verified")
        let error = resolveError(checklist, "deploy")
        XCTAssertEqual(error?.kind, .unknownItem)
        XCTAssertEqual(error?.message, "'deploy' matches 2 items: b/deploy, c/deploy")
    }

    func testAmbiguousReferencesListCandidates() throws {
        let checklist = try seed()
        let error = resolveError(checklist, "api-dokumentasjon")
        XCTAssertEqual(error?.kind, .unknownItem)
        XCTAssertEqual(error?.message,
                       "'api-dokumentasjon' matches 2 items: backend/api-dokumentasjon-oppdatert, dokumentasjon/api-dokumentasjon-fullfort")
        XCTAssertEqual(error?.hint, "give more of the id or the number")

        // Section prefix and item-id prefix together: 5 in database/, plus 8.2 and 9.4.
        let database = resolveError(checklist, "database")
        XCTAssertEqual(database?.kind, .unknownItem)
        XCTAssertTrue(database?.message.hasPrefix("'database' matches 7 items: database/database-backup-rutinier-implementert, ") ?? false,
                      database?.message ?? "")

        let many = resolveError(checklist, "sikkerhet/")
        XCTAssertTrue(many?.message.hasPrefix("'sikkerhet/' matches 6 items: ") ?? false, many?.message ?? "")
    }

    func testUnknownReferencesSuggestCloseItems() throws {
        let checklist = try seed()
        let typo = resolveError(checklist, "sikkerhet/sll")
        XCTAssertEqual(typo?.kind, .unknownItem)
        XCTAssertEqual(typo?.message, "no item matches 'sikkerhet/sll'")
        XCTAssertTrue(typo?.hint?.hasPrefix("did you mean: sikkerhet/ssl-sertifikater-installert-og-konfigurert") ?? false,
                      typo?.hint ?? "")
        let suggested = typo?.hint?.dropFirst("did you mean: ".count).split(separator: ",") ?? []
        XCTAssertLessThanOrEqual(suggested.count, 5)

        XCTAssertNil(resolveError(checklist, "brannmurregler"), "an item-id prefix resolves")
        let inside = resolveError(checklist, "regler")
        XCTAssertEqual(inside?.hint, "did you mean: sikkerhet/brannmurregler-konfigurert")

        let nothing = resolveError(checklist, "zzzzzzzzzzzz")
        XCTAssertEqual(nothing?.message, "no item matches 'zzzzzzzzzzzz'")
        XCTAssertEqual(nothing?.hint, "run `readiness status` to list items")

        XCTAssertEqual(resolveError(checklist, "12.1")?.kind, .unknownItem)
    }

    func testEmptyOrControlCharacterQueriesAreInvalidInput() throws {
        let checklist = try seed()
        XCTAssertEqual(resolveError(checklist, "")?.kind, .invalidInput)
        XCTAssertEqual(resolveError(checklist, "   ")?.kind, .invalidInput)
        let control = resolveError(checklist, "ssl\u{1B}[2J")
        XCTAssertEqual(control?.kind, .invalidInput)
        XCTAssertFalse(control?.message.contains("\u{1B}") ?? true, "the escape must not reach the terminal")
    }

    // MARK: Slugs and ids

    func testSlugTransliteratesAndCollapses() {
        XCTAssertEqual(Slug.make("Sikker nøkkelhåndtering"), "sikker-nokkelhandtering")
        XCTAssertEqual(Slug.make("Ærlig Østre Åpning"), "aerlig-ostre-apning")
        XCTAssertEqual(Slug.make("ÅØÆ"), "aoae")
        XCTAssertEqual(Slug.make("Ärger Öl Über Straße"), "arger-ol-uber-strasse")
        XCTAssertEqual(Slug.make("Café résumé naïve señor"), "cafe-resume-naive-senor")
        XCTAssertEqual(Slug.make("  --Hello,   World!!--  "), "hello-world")
        XCTAssertEqual(Slug.make("WAF (Web Application Firewall) satt opp"), "waf-web-application-firewall-satt-opp")
        XCTAssertEqual(Slug.make("a_b.c/d"), "a-b-c-d")
        XCTAssertEqual(Slug.make("🚀🔥"), "")
        XCTAssertEqual(Slug.make(""), "")
    }

    func testValidIDs() {
        for good in ["a", "0", "a.b_c-d", "ssl", "v1.2", String(repeating: "a", count: 64)] {
            XCTAssertTrue(Slug.isValidID(good), good)
        }
        for bad in ["", ".", "..", "a..b", "../etc", "a/b", "A", "-a", "_a", ".a", "a b", "a\u{0}", "ø",
                    String(repeating: "a", count: 65), "a..", "a.\u{301}.", "e\u{301}", "\u{301}a",
                    String(repeating: "a", count: 63) + "é", String(repeating: "a", count: 40) + String(repeating: "é", count: 20)] {
            XCTAssertFalse(Slug.isValidID(bad), bad)
        }
    }

    /// The byte-wise id check answers as the rule reads, character by character, on every short
    /// string over an alphabet of allowed, forbidden, non-ASCII and combining characters.
    func testValidIDsAgreeWithTheRuleCharacterByCharacter() {
        func rule(_ id: String) -> Bool {
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars)
            let alphanumeric = Set("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
            guard let first = id.unicodeScalars.first, alphanumeric.contains(first), id.unicodeScalars.count <= Slug.maxIDLength else { return false }
            return !id.contains("..") && id.unicodeScalars.allSatisfy(allowed.contains)
        }
        let alphabet = ["a", "z", "0", "9", ".", "_", "-", "/", "A", " ", "é", "\u{301}", "\u{0}", "ı"]
        var strings = [""]
        var layer = [""]
        for _ in 1...4 {
            layer = layer.flatMap { prefix in alphabet.map { prefix + $0 } }
            strings += layer
        }
        for id in strings {
            XCTAssertEqual(Slug.isValidID(id), rule(id), id.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
    }

    // MARK: Canonical JSON

    func testCanonicalJSONRoundTripsAndIsDeterministic() throws {
        let checklist = try seed()
        let json = checklist.canonicalJSON()
        XCTAssertEqual(try Checklist.decode(canonicalJSON: json), checklist)
        XCTAssertEqual(try seed().canonicalJSON(), json)
        XCTAssertEqual(try Checklist.decode(canonicalJSON: json).canonicalJSON(), json)
        XCTAssertEqual(json.last, UInt8(ascii: "\n"))
        let text = String(decoding: json, as: UTF8.self)
        XCTAssertTrue(text.contains("Overvåking og Logging"), "UTF-8 kept as is")
        XCTAssertFalse(text.contains("\\/"), "slashes are not escaped")
    }

    func testCanonicalJSONFormatIsPinned() throws {
        let checklist = try parse("# T\n## S\n- [ ] A/b #x").checklist
        let expected = """
        {
          "sections" : [
            {
              "id" : "s",
              "items" : [
                {
                  "id" : "a-b",
                  "number" : "1.1",
                  "tags" : [
                    "x"
                  ],
                  "title" : "A/b"
                }
              ],
              "number" : "1",
              "title" : "S"
            }
          ],
          "title" : "T"
        }

        """
        XCTAssertEqual(String(decoding: checklist.canonicalJSON(), as: UTF8.self), expected)
    }

    private func checklist(sectionID: String = "s", itemIDs: [String] = ["a"], itemTitle: String = "A") -> Checklist {
        Checklist(title: "T", sections: [
            ChecklistSection(id: sectionID, number: "1", title: "S", items: itemIDs.enumerated().map { index, id in
                ChecklistItem(id: id, number: "1.\(index + 1)", title: itemTitle)
            }),
        ])
    }

    private func assertDecodeRefused(_ data: Data, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Checklist.decode(canonicalJSON: data), file: file, line: line) { error in
            let error = error as? LedgerError
            XCTAssertEqual(error?.kind, .invalidInput, file: file, line: line)
            XCTAssertTrue(error?.message.contains(fragment) ?? false, error?.message ?? "", file: file, line: line)
            XCTAssertNotNil(error?.hint, file: file, line: line)
        }
    }

    func testDecodeRejectsUnsafeOrInconsistentChecklists() {
        XCTAssertNoThrow(try Checklist.decode(canonicalJSON: checklist().canonicalJSON()))
        assertDecodeRefused(checklist(sectionID: "../up").canonicalJSON(), mentioning: "section id '../up'")
        assertDecodeRefused(checklist(sectionID: "a/b").canonicalJSON(), mentioning: "section id 'a/b'")
        assertDecodeRefused(checklist(itemIDs: [".."]).canonicalJSON(), mentioning: "item id 's/..'")
        assertDecodeRefused(checklist(itemIDs: ["x/../../etc"]).canonicalJSON(), mentioning: "is not allowed")
        assertDecodeRefused(checklist(itemIDs: ["Upper"]).canonicalJSON(), mentioning: "is not allowed")
        assertDecodeRefused(checklist(itemIDs: ["a", "a"]).canonicalJSON(), mentioning: "used twice")
        assertDecodeRefused(checklist(itemTitle: "bad\u{1B}").canonicalJSON(), mentioning: "U+001B")
        assertDecodeRefused(checklist(itemTitle: " ").canonicalJSON(), mentioning: "is empty")
        assertDecodeRefused(Data("not json".utf8), mentioning: "not JSON")
        assertDecodeRefused(Data(#"{"title":"T"}"#.utf8), mentioning: "missing 'sections'")
        assertDecodeRefused(
            Data(#"{"title":"T","sections":[{"id":"s","number":"1","title":"S","items":[{"id":"a"}]}]}"#.utf8),
            mentioning: "missing")
    }

    func testWarningDescription() {
        XCTAssertEqual(ChecklistWarning(line: 4, message: "hello").description, "line 4: hello")
    }
}

extension ChecklistImportTests {
    func testTruncatedUTF8BeforeANewlineIsReportedOnItsOwnLine() {
        assertRefused(Data(Array("## S\n- [ ] a".utf8) + [0xC3] + Array("\n- [ ] b".utf8)), line: 2, mentioning: "0xC3")
    }
}
