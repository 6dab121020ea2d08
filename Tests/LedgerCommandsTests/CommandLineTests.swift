import ArgumentParser
import XCTest
@testable import LedgerCommands

/// The command line's own errors: one style, and "did you mean" for a mistyped subcommand.
final class CommandLineTests: XCTestCase {
    private func message(_ arguments: [String]) -> String {
        do {
            _ = try ReadinessCommand.parseAsRoot(arguments)
            return "parsed"
        } catch {
            return UsageErrorText.message(for: error, arguments: arguments)
        }
    }

    func testMistypedSubcommandsGetASuggestionAtEveryLevel() {
        XCTAssertEqual(UsageErrorText.suggestion(for: ["statsu"]), "readiness status")
        XCTAssertEqual(UsageErrorText.suggestion(for: ["checklist", "updat", "x.md"]), "readiness checklist update")
        XCTAssertEqual(UsageErrorText.suggestion(for: ["tiemline", "--json"]), "readiness timeline")
        XCTAssertNil(UsageErrorText.suggestion(for: ["completely-unrelated-word"]))
        XCTAssertNil(UsageErrorText.suggestion(for: ["status"]))
        XCTAssertEqual(message(["statsu"]), "Unexpected argument 'statsu' (did you mean `readiness status`?)")
    }

    func testParserErrorsNameTheCommandsHelp() {
        XCTAssertEqual(message(["status", "--bogus"]), "Unknown option '--bogus' (see `readiness status --help`)")
        XCTAssertEqual(message(["timeline", "--json", "--csv"]), "--json and --csv cannot be combined; choose one (see `readiness timeline --help`)")
        XCTAssertEqual(message(["checklist", "update"]), "Missing expected argument '<file>' (see `readiness checklist update --help`)")
    }
}
