import ArgumentParser
import Foundation
@testable import Ledger
@testable import LedgerCommands
import XCTest

/// The command line as users of git and kubectl expect it: examples in every help, completion
/// of the ledger's words, and stored text escaped in every text renderer.
final class HelpAndCompletionTests: XCTestCase {
    /// Every command below the root, with its path (`policy owners`).
    private func subcommands(of command: ParsableCommand.Type = ReadinessCommand.self, path: [String] = []) -> [(String, ParsableCommand.Type)] {
        command.configuration.subcommands.flatMap { sub -> [(String, ParsableCommand.Type)] in
            let name = path + [sub.configuration.commandName ?? "?"]
            return [(name.joined(separator: " "), sub)] + subcommands(of: sub, path: name)
        }
    }

    func testEverySubcommandsHelpHasExamplesThatFitTheTerminal() {
        let commands = subcommands()
        XCTAssertGreaterThan(commands.count, 35)
        for (name, command) in commands {
            let discussion = command.configuration.discussion
            XCTAssertTrue(discussion.contains("Examples:\n  # "), "readiness \(name) --help has no Examples section")
            let examples = discussion.components(separatedBy: "Examples:\n").last ?? ""
            for line in examples.split(separator: "\n") {
                XCTAssertLessThanOrEqual(line.count, 78, "readiness \(name): an example wider than 80 columns wraps: \(line)")
                if !line.hasPrefix("  # ") { XCTAssertTrue(line.hasPrefix("  readiness "), "readiness \(name): \(line)") }
            }
            let help = ReadinessCommand.helpMessage(for: command, columns: 80)
            XCTAssertTrue(help.contains("Examples:"), "readiness \(name)")
        }
    }

    func testExamplesParse() {
        for (name, command) in subcommands() {
            let lines = command.configuration.discussion.components(separatedBy: "Examples:\n").last?.split(separator: "\n") ?? []
            for line in lines where line.hasPrefix("  readiness ") {
                // Up to a shell redirection, split as a shell would.
                guard let words = CommandLineSplitter.split(String(line.dropFirst("  readiness ".count)).components(separatedBy: " > ")[0]) else {
                    XCTFail("readiness \(name): cannot split \(line)")
                    continue
                }
                XCTAssertNoThrow(try ReadinessCommand.parseAsRoot(words), "readiness \(name): \(line)")
            }
        }
    }

    func testTheLedgerToCompleteFromIsTheOneOnTheCommandLine() {
        XCTAssertEqual(LedgerCompletion.ledgerOption(in: ["readiness", "check", "--ledger", "/srv/l.git", ""]), "/srv/l.git")
        XCTAssertEqual(LedgerCompletion.ledgerOption(in: ["readiness", "--ledger='/a b.git'", "show", "1"]), "/a b.git")
        XCTAssertEqual(LedgerCompletion.ledgerOption(in: ["readiness", "check", "--ledger", "\"x.git\"", "1"]), "x.git")
        XCTAssertNil(LedgerCompletion.ledgerOption(in: ["readiness", "check", "--ledger"]))
        XCTAssertNil(LedgerCompletion.ledgerOption(in: ["readiness", "check", "1."]))
    }

    func testStoredInvisibleCharactersAreEscapedInEventText() throws {
        let view = try makeEventView(signerName: "Ola\u{200B} Hansen", note: "ok \u{202E}fdp.exe\nsecond \u{2066}line", evidence: ["https://x.example/\u{FEFF}"])
        AssertRendered(EventText.line(view), """
            2026-02-01T10:00:00Z  abababababab  check sikkerhet/ssl  open → done  by Ola\\u{200b} Hansen <ola@example.no>  [good]
                ok \\u{202e}fdp.exe
                second \\u{2066}line
                evidence: https://x.example/\\u{feff}
            """)
    }
}
