import Foundation
@testable import Ledger
import XCTest

/// Input and output hygiene: every bidirectional and invisible format character is refused at
/// write time and escaped when printed; CSV cells cannot start a formula; Markdown in user text
/// stays text; file-system errors read as one line.
final class TextHygieneTests: XCTestCase {
    /// One of each kind the rule names, with the field it hides in.
    private static let invisible: [Unicode.Scalar] = [
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}",   // embeddings and overrides
        "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",               // isolates
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}",   // zero-width, marks
        "\u{FEFF}", "\u{E0000}", "\u{E0041}", "\u{E007F}",            // BOM, tags
        "\u{061C}", "\u{2060}", "\u{2028}", "\u{2029}",
    ]

    func testTheOneRuleNamesEveryInvisibleAndControlCharacter() {
        for scalar in Self.invisible {
            XCTAssertEqual(FreeText.unsafe(scalar), .invisible, FreeText.describe(scalar))
        }
        for scalar: Unicode.Scalar in ["\u{0}", "\u{1B}", "\r", "\u{7F}", "\u{85}", "\u{9F}"] {
            XCTAssertEqual(FreeText.unsafe(scalar), .control, FreeText.describe(scalar))
        }
        for scalar: Unicode.Scalar in ["\n", "\t", "a", "æ", "ø", "å", "—", "\u{2065}", "\u{2070}", "\u{E0080}", "😀"] {
            XCTAssertNil(FreeText.unsafe(scalar), FreeText.describe(scalar))
        }
    }

    func testNotesReasonsAndLinesRefuseEveryInvisibleCharacter() {
        for scalar in Self.invisible {
            let text = "ok \(Character(scalar)) text"
            XCTAssertThrowsError(try FreeText.validateNote(text, field: "note"), FreeText.describe(scalar)) { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
                XCTAssertTrue("\(error)".contains(FreeText.describe(scalar)), "\(error)")
            }
            XCTAssertThrowsError(try FreeText.validateLine(text, field: "user.name"), FreeText.describe(scalar))
            XCTAssertThrowsError(try ItemChange.uncheck(reason: text).validate())
            XCTAssertThrowsError(try ItemChange.check(note: nil, evidence: [.link("https://example.no/\(Character(scalar))")]).validate())
            XCTAssertThrowsError(try ItemChange.check(note: nil, evidence: [.file(name: "a\(Character(scalar)).pdf", sha256: "00", size: 1)]).validate())
        }
        XCTAssertNoThrow(try FreeText.validateNote("Sertifikatet fornyes automatisk.\n\tNeste: 2027 — æøå 😀", field: "note"))
    }

    func testImportedTitlesRefuseInvisibleCharactersButStoredOnesStayReadable() throws {
        for scalar in Self.invisible where scalar != "\u{2028}" && scalar != "\u{2029}" {
            let markdown = "# Sjekkliste\n\n## 1. Sikkerhet\n\n- [ ] SSL \(Character(scalar))installert\n"
            XCTAssertThrowsError(try MarkdownChecklistParser.parse(Data(markdown.utf8), source: "c.md"), FreeText.describe(scalar)) { error in
                XCTAssertTrue("\(error)".contains("c.md:5"), "\(error)")
                XCTAssertTrue("\(error)".contains("invisible format character \(FreeText.describe(scalar))"), "\(error)")
            }
        }
        // A ledger written before the rule may hold one: reading it still works, printing escapes it.
        XCTAssertNil(TextSafety.firstControlCharacter(in: "SSL \u{202E}installert"))
        XCTAssertEqual(TextSafety.firstUnsafeCharacter(in: "SSL \u{202E}installert"), "\u{202E}")
        XCTAssertEqual(TextSafety.escaped("a\u{202E}b\\c"), "a\\u{202E}b\\\\c")
    }

    func testTerminalTextEscapesWhatIsAlreadyStored() {
        XCTAssertEqual(TerminalText.escape("note \u{202E}txt.exe\u{202C} ok"), "note \\u{202e}txt.exe\\u{202c} ok")
        XCTAssertEqual(TerminalText.escape("zero\u{200B}width\u{FEFF}\u{E0041}"), "zero\\u{200b}width\\u{feff}\\u{e0041}")
        XCTAssertEqual(TerminalText.escape("\u{1B}[2Jline\nnext\tcol"), "\\u{1b}[2Jline\nnext\tcol")
        XCTAssertEqual(EvidenceCharts.escape("a\u{2067}b<c>"), "a\\u{2067}b&lt;c&gt;")
    }

    /// ASCII is answered from a table built from the rule: every ASCII character, alone and
    /// between plain and non-ASCII neighbours, escapes as the scalar-by-scalar rule says.
    func testTerminalTextEscapesEveryASCIICharacterAsTheRuleSays() {
        func reference(_ text: String) -> String {
            text.unicodeScalars.map { FreeText.unsafe($0) != nil ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        }
        for value in UInt8(0)..<0x80 {
            let character = String(Unicode.Scalar(value))
            for text in [character, "title \(character) end", "tittel på \(character)", "\(character)\u{202E}"] {
                XCTAssertEqual(TerminalText.escape(text), reference(text), "byte \(value)")
            }
        }
    }

    func testCSVNeutralisesFormulasBehindLeadingWhitespace() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", " =1+1", "\t=HYPERLINK(\"x\")", "  @x", "\n-2", "\r+3", " \t =cmd"] {
            let field = EventView.csvField(cell)
            let unquoted = field.hasPrefix("\"") ? String(field.dropFirst()) : field
            XCTAssertTrue(unquoted.hasPrefix("'"), "\(cell.debugDescription) gave \(field.debugDescription)")
        }
        XCTAssertEqual(EventView.csvField("a=b"), "a=b")
        XCTAssertEqual(EventView.csvField("  plain"), "  plain")
        XCTAssertEqual(EventView.csvField("line\r\nbreak"), "\"line\r\nbreak\"")
        XCTAssertEqual(EventView.csvField(" =1,2"), "\"' =1,2\"")
    }

    func testMarkdownInUserTextStaysText() {
        XCTAssertEqual(MarkdownText.escape("see [here](https://evil.example)"), "see \\[here\\](https://evil.example)")
        XCTAssertEqual(MarkdownText.escape("![x](https://t.example/p.png)"), "!\\[x\\](https://t.example/p.png)")
        XCTAssertEqual(MarkdownText.escape("*b* _i_ `c` ~~s~~ a|b"), "\\*b\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ a\\|b")
        XCTAssertEqual(MarkdownText.escape("<img src=x> & \\"), "&lt;img src=x&gt; &amp; \\\\")
        XCTAssertEqual(MarkdownText.escape("two\nlines"), "two lines")
        XCTAssertEqual(MarkdownText.escape("SSL-sertifikater installert #gdpr 1.1"), "SSL-sertifikater installert #gdpr 1.1")
    }

    func testFileSystemErrorsAreOneLine() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/file"
        XCTAssertThrowsError(try Data(contentsOf: URL(fileURLWithPath: missing))) { error in
            let line = ErrorText.oneLine(error)
            XCTAssertFalse(line.contains("\n") || line.contains("Error Domain") || line.contains("UserInfo"), line)
            XCTAssertTrue(line.contains("No such file or directory"), line)
            XCTAssertTrue(line.contains(missing), line)
            XCTAssertFalse(ErrorText.reason(error).contains(missing), ErrorText.reason(error))
            XCTAssertEqual(LedgerError(storageFailure: error).exitCode, 10)
        }
        XCTAssertThrowsError(try Data("x".utf8).write(to: URL(fileURLWithPath: missing))) { error in
            XCTAssertFalse(ErrorText.oneLine(error).contains("Error Domain"), ErrorText.oneLine(error))
        }
        XCTAssertThrowsError(try JSONDecoder().decode([String: Int].self, from: Data("{\"a\":\"b\"}".utf8))) { error in
            XCTAssertEqual(ErrorText.oneLine(error), "wrong type at a")
        }
    }

    func testEvidenceFilesMustBeRegularAndAtMostOneGiB() throws {
        for (path, kind) in [("/dev/zero", "a device"), ("/tmp", "a directory")] {
            let started = Date()
            XCTAssertThrowsError(try Evidence.fromFile(path)) { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .invalidInput)
                XCTAssertTrue("\(error)".contains(kind), "\(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, "refused at once, without reading")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readiness-hygiene-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A sparse file one byte over the limit: refused from its size, not by reading it.
        let large = directory.appendingPathComponent("large.img").path
        XCTAssertTrue(FileManager.default.createFile(atPath: large, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: large))
        try handle.truncate(atOffset: UInt64(Evidence.maximumFileSize) + 1)
        try handle.close()
        XCTAssertThrowsError(try Evidence.fromFile(large)) { error in
            XCTAssertTrue("\(error)".contains("larger than 1 GiB"), "\(error)")
        }
        let fifo = directory.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try Evidence.fromFile(fifo)) { error in
            XCTAssertTrue("\(error)".contains("a pipe"), "\(error)")
        }
        // A regular file: hashed, with progress reported per chunk.
        let small = directory.appendingPathComponent("report.pdf").path
        try Data(repeating: 7, count: 3 << 20).write(to: URL(fileURLWithPath: small))
        var reports: [Int] = []
        let evidence = try Evidence.fromFile(small) { read, size in
            XCTAssertEqual(size, 3 << 20)
            reports.append(read)
        }
        XCTAssertEqual(reports, [1 << 20, 2 << 20, 3 << 20])
        XCTAssertEqual(evidence.file, "report.pdf")
        XCTAssertEqual(evidence.size, 3 << 20)
    }
}
