import Foundation
import XCTest

/// The completion scripts (`readiness --generate-completion-script bash|zsh|fish`) complete the
/// ledger's own words. The bash one is run for real: sourced in bash, with COMP_WORDS and
/// COMP_CWORD set as bash sets them on TAB, and its completion function called.
final class CompletionTests: XCTestCase {
    private var box: Sandbox!
    private var ledger: String!
    private var script: String!

    override func setUpWithError() throws {
        box = try Sandbox()
        ledger = try box.makeLedger()
        try box.readinessOK("check", "1.1", "--ledger", ledger)
        script = box.path("readiness.bash")
        try box.readinessOK("--generate-completion-script", "bash").stdout.write(toFile: script, atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        box = nil
        super.tearDown()
    }

    /// What bash offers on TAB after `words` (the last one is the word being completed; "" for
    /// a new word), sorted.
    private func complete(_ words: [String], environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let driver = """
            source "$1"; shift
            COMP_WORDS=("$@")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _readiness "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        // COMP_WORDS[0] is the program the script calls back for the ledger's words.
        let result = try box.run("/bin/bash", ["-c", driver, "bash", script, Sandbox.binary] + words, environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr, "", file: file, line: line)
        return result.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    func testItemIdsAndNumbersFromTheLedger() throws {
        let all = try complete(["check", "--ledger", ledger, ""])
        XCTAssertEqual(all.count, 2 * 56, "every item id and number: \(all)")
        XCTAssertTrue(all.contains("sikkerhet/ssl-sertifikater-installert-og-konfigurert"), "\(all)")
        XCTAssertTrue(all.contains("11.5"), "\(all)")
        XCTAssertEqual(try complete(["history", "--ledger", ledger, "sikkerhet/s"]),
                       ["sikkerhet/sikker-nokkelhandtering-implementert", "sikkerhet/ssl-sertifikater-installert-og-konfigurert"])
        // A path as typed, before the shell expands its tilde.
        _ = try box.makeLedger("home/in-home.git")
        XCTAssertEqual(try complete(["show", "--ledger", "~/in-home.git", "11."]), ["11.1", "11.2", "11.3", "11.4", "11.5"])
        // The ledger found as every command finds it: here from READINESS_LEDGER.
        XCTAssertEqual(try complete(["show", "1."], environment: ["READINESS_LEDGER": ledger]), ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"])
    }

    func testSectionsTagsAndActions() throws {
        let sections = try complete(["blame", "--ledger", ledger, "--section", ""])
        XCTAssertTrue(sections.contains("sikkerhet") && sections.contains("11"), "\(sections)")
        XCTAssertEqual(try complete(["timeline", "--ledger", ledger, "--tag", ""]), ["gdpr"])
        let actions = try complete(["timeline", "--ledger", ledger, "--action", ""])
        XCTAssertTrue(Set(["approve", "check", "create", "init", "uncheck", "waive"]).isSubset(of: actions), "\(actions)")
        XCTAssertEqual(try complete(["gate", "--ledger", ledger, "--require", "al"]), ["all"])
        XCTAssertEqual(try complete(["evidence", "--ledger", ledger, "--tag", "g"]), ["gdpr"])
    }

    func testFlagsAndSubcommandsStillComplete() throws {
        XCTAssertTrue(try complete(["check", "--ledger", ledger, "1.2", "--"]).contains("--evidence-file"))
        XCTAssertEqual(try complete(["checkl"]), ["checklist"])
    }

    func testNoLedgerMeansNoWordsAndNoNoise() throws {
        XCTAssertEqual(try complete(["check", "--ledger", box.path("missing.git"), ""]), [])
    }

    func testZshAndFishScriptsCallBackForTheLedgersWords() throws {
        for shell in ["zsh", "fish"] {
            let text = try box.readinessOK("--generate-completion-script", shell).stdout
            XCTAssertTrue(text.contains("---completion check -- positional@0"), "\(shell) does not complete items")
            XCTAssertTrue(text.contains("---completion timeline -- --tag"), "\(shell) does not complete tags")
        }
    }
}
