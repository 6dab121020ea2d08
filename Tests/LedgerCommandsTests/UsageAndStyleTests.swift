import ArgumentParser
import XCTest
@testable import LedgerCommands

/// The command line's own errors: one style, and "did you mean" for a mistyped subcommand.
final class UsageErrorTests: XCTestCase {
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

/// Text styling: colour, cutting to the terminal's width, local times.
final class TextStyleTests: XCTestCase {
    func testPlainStyleChangesNothing() {
        let plain = TextStyle.plain
        XCTAssertEqual(plain.fit(String(repeating: "x", count: 200)).count, 200)
        XCTAssertEqual(plain.paint("done", 32), "done")
        XCTAssertEqual(plain.time("2026-12-01T13:38:31Z"), "2026-12-01T13:38:31Z")
    }

    func testColourWidthAndZone() throws {
        let style = TextStyle(color: true, width: 20, timeZone: .zone(try XCTUnwrap(TimeZone(identifier: "Europe/Oslo"))))
        XCTAssertEqual(style.fit("12345678901234567890123"), "1234567890123456789…")
        XCTAssertEqual(style.fit("short"), "short")
        XCTAssertEqual(style.paint("done", 32), "\u{1B}[32mdone\u{1B}[0m")
        XCTAssertEqual(style.time("2026-12-01T13:38:31Z"), "2026-12-01T14:38:31+01:00")
        XCTAssertEqual(style.time("2026-07-01T13:38:31Z"), "2026-07-01T15:38:31+02:00")
        XCTAssertEqual(style.time("not a time"), "not a time")
    }

    func testColourChoiceHonoursNoColorAndNonTerminals() {
        // Tests run with standard output redirected: auto means no colour, whatever NO_COLOR says.
        XCTAssertFalse(TextStyle.forStandardOutput(.auto, localTime: false, environment: [:]).color)
        XCTAssertTrue(TextStyle.forStandardOutput(.always, localTime: false, environment: ["NO_COLOR": "1"]).color)
        XCTAssertFalse(TextStyle.forStandardOutput(.never, localTime: false, environment: [:]).color)
        XCTAssertNil(TextStyle.forStandardOutput(.always, localTime: false, environment: [:]).width, "only a terminal cuts lines")
        XCTAssertEqual(TextStyle.forStandardOutput(.never, localTime: true, environment: [:]).timeZone, .local)
    }

    /// `--color`'s three words, spelled out for argument-parser: each parses to its own choice
    /// and is what help and completion list; anything else, a capital included, is refused with
    /// the words to choose from.
    func testColourWordsParseAndAreListed() throws {
        XCTAssertEqual(ColorChoice.allValueStrings, ["auto", "always", "never"])
        let choices = ColorChoice.allValueStrings.compactMap(ColorChoice.init(argument:))
        XCTAssertEqual(choices, [.auto, .always, .never])
        XCTAssertEqual(choices.map(\.defaultValueDescription), ColorChoice.allValueStrings)
        for word in ["", "Auto", "ALWAYS", "never ", "yes"] { XCTAssertNil(ColorChoice(argument: word), word) }
        XCTAssertThrowsError(try StatusCommand.parse(["--color", "Always"])) { error in
            XCTAssertTrue(StatusCommand.message(for: error).contains("Please provide one of 'auto', 'always' or 'never'"),
                          StatusCommand.message(for: error))
        }
        XCTAssertEqual(try StatusCommand.parse(["--color", "never"]).output.color, .never)
    }
}
