import Foundation
@testable import Ledger
import XCTest

/// The one-pass readers of `policy.json` and `ledger.json` must read exactly what `JSONDecoder`
/// reads, and decline (leave to `JSONDecoder`) everything outside the plain form: `decode`
/// never accepts a file `JSONDecoder`'s path would refuse, never reads one differently, and
/// gives the same errors for the files it refuses.
final class PolicyAndSettingsScannerTests: XCTestCase {
    private var policies: [LedgerPolicy] {
        var full = LedgerPolicy(admins: ["kari@example.no", "*@drift.example.no"])
        full.owners = ["sikkerhet": ["ola@example.no"], "sikkerhet/waf": ["*@example.no", "æøå@example.no"]]
        full.approvals = ["sikkerhet": 2, "drift/backup": 3]
        full.recertifyDays = ["sikkerhet": 90]
        full.waivers = LedgerPolicy.Waivers(approvalRequired: true, maxDays: 30)
        var zeroDays = full
        zeroDays.waivers.maxDays = 0
        return [LedgerPolicy(admins: ["kari@example.no"]), full, zeroDays]
    }

    private var settings: [LedgerSettings] {
        [LedgerSettings(name: "Produksjons-sjekkliste for Eiendomsmuligheter"),
         LedgerSettings(name: "Åpen 🚀", allowUnsigned: true),
         LedgerSettings(name: "Pseudonym", pseudonymous: true)]
    }

    /// JSONDecoder's path, as `decode` took it before the readers: its value, or that it threw.
    private func policyByJSONDecoder(_ data: Data) -> LedgerPolicy? {
        guard let policy = try? JSONDecoder().decode(LedgerPolicy.self, from: data) else { return nil }
        return (try? LedgerPolicy.decode(policy.encoded())) == nil ? nil : policy
    }

    private func assertPolicyDecodesAsJSONDecoderDoes(_ data: Data, file: StaticString = #filePath, line: UInt = #line) {
        let shown = String(decoding: data, as: UTF8.self)
        if let expected = policyByJSONDecoder(data) {
            XCTAssertEqual(try LedgerPolicy.decode(data), expected, shown, file: file, line: line)
        } else {
            XCTAssertThrowsError(try LedgerPolicy.decode(data), shown, file: file, line: line)
        }
    }

    private func assertSettingsDecodeAsJSONDecoderDoes(_ data: Data, file: StaticString = #filePath, line: UInt = #line) {
        let shown = String(decoding: data, as: UTF8.self)
        let expected = try? JSONDecoder().decode(LedgerSettings.self, from: data)
        if let expected, (1...LedgerLayout.formatVersion).contains(expected.format) {
            XCTAssertEqual(try LedgerSettings.decode(data), expected, shown, file: file, line: line)
        } else {
            XCTAssertThrowsError(try LedgerSettings.decode(data), shown, file: file, line: line)
        }
    }

    func testReadsWhatThisToolWritesExactlyAsJSONDecoderDoes() throws {
        for policy in policies {
            let data = policy.encoded()
            let scanned = try XCTUnwrap(PolicyScanner.policy(from: data), String(decoding: data, as: UTF8.self))
            XCTAssertEqual(scanned, policy)
            XCTAssertEqual(scanned, try JSONDecoder().decode(LedgerPolicy.self, from: data))
            XCTAssertEqual(scanned.encoded(), data)
            XCTAssertEqual(try LedgerPolicy.decode(data), policy)
        }
        for value in settings {
            let data = value.encoded()
            let scanned = try XCTUnwrap(LedgerSettingsScanner.settings(from: data), String(decoding: data, as: UTF8.self))
            XCTAssertEqual(scanned, value)
            XCTAssertEqual(scanned, try JSONDecoder().decode(LedgerSettings.self, from: data))
            XCTAssertEqual(scanned.encoded(), data)
            XCTAssertEqual(try LedgerSettings.decode(data), value)
        }
    }

    /// Plain JSON in other shapes: compact, reordered, nulls and left-out tables; read here, and
    /// read as JSONDecoder reads it.
    func testCompactReorderedAndNullPlainJSONIsReadAsJSONDecoderReadsIt() throws {
        let policyTexts = [
            #"{"version":1,"admins":["a@b.no"]}"#,
            #"{"admins":["a@b.no"],"version":1,"owners":null,"approvals":null,"recertifyDays":null,"waivers":null}"#,
            #" { "waivers" : { "maxDays" : null , "approvalRequired" : false } , "admins" : [ "a@b.no" , "*@c.no" ] , "version" : 1 } "#,
            "{\r\n\t\"version\": 1, \"admins\": [\"a@b.no\"], \"owners\": {\"s\": [], \"s/i\": [\"x@y.no\"]}, \"approvals\": {\"s\": 10}, \"recertifyDays\": {}}\n",
            #"{"version":1,"admins":[],"approvals":{"s":0}}"#,
            #"{"version":2,"admins":["a@b.no"]}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":true}}"#,
        ]
        for text in policyTexts {
            let data = Data(text.utf8)
            XCTAssertNotNil(PolicyScanner.policy(from: data), text)
            XCTAssertEqual(PolicyScanner.policy(from: data), try? JSONDecoder().decode(LedgerPolicy.self, from: data), text)
            assertPolicyDecodesAsJSONDecoderDoes(data)
        }
        let settingsTexts = [
            #"{"format":1,"name":"N","allowUnsigned":false}"#,
            #" { "allowUnsigned" : true , "pseudonymous" : null , "name" : "N æ" , "format" : 3 } "#,
            #"{"name":"N","format":2,"allowUnsigned":false,"pseudonymous":false}"#,
            #"{"name":"N","format":99,"allowUnsigned":false}"#,
            #"{"name":"N","format":0,"allowUnsigned":false}"#,
        ]
        for text in settingsTexts {
            let data = Data(text.utf8)
            XCTAssertNotNil(LedgerSettingsScanner.settings(from: data), text)
            XCTAssertEqual(LedgerSettingsScanner.settings(from: data), try? JSONDecoder().decode(LedgerSettings.self, from: data), text)
            assertSettingsDecodeAsJSONDecoderDoes(data)
        }
    }

    /// A format this tool does not know is refused with the same error on both paths.
    func testUnknownFormatIsRefusedAlikeOnBothPaths() throws {
        for text in [#"{"name":"N","format":99,"allowUnsigned":false}"#, #"{"name":"N","format":99,"allowUnsigned":false,"new":1}"#] {
            XCTAssertThrowsError(try LedgerSettings.decode(Data(text.utf8))) { error in
                XCTAssertEqual((error as? LedgerError)?.kind, .unsupportedFormat, text)
            }
        }
    }

    /// Valid JSON outside the plain form: declined, and `decode` gives JSONDecoder's reading.
    func testDeclinesEscapesUnknownAndRepeatedKeys() throws {
        let policyTexts = [
            #"{"version":1,"admins":["a\u0040b.no"]}"#,
            #"{"version":1,"admins":["a@b.no"],"owners":{"s\/i":["x@y.no"]}}"#,
            #"{"vers\u0069on":1,"admins":["a@b.no"]}"#,
            #"{"version":1,"admins":["a@b.no"],"extra":true}"#,
            #"{"version":1,"version":1,"admins":["a@b.no"]}"#,
            #"{"version":1,"admins":["a@b.no"],"owners":{"s":["x@y.no"],"s":["z@y.no"]}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":2,"s":1}}"#,
            "{\"version\":1,\"admins\":[\"a@b.no\"],\"approvals\":{\"\u{E9}\":2,\"e\u{301}\":1}}",
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":2},"approvals":{"s":3}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":true,"maxDays":3,"maxDays":4}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":true,"colour":"red"}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":2.0}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":2e0}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":-1}}"#,
            #"{"version":1.0,"admins":["a@b.no"]}"#,
        ]
        for text in policyTexts {
            let data = Data(text.utf8)
            XCTAssertNil(PolicyScanner.policy(from: data), text)
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: data), "not valid JSON: \(text)")
            assertPolicyDecodesAsJSONDecoderDoes(data)
        }
        let settingsTexts = [
            #"{"format":1,"name":"N\u00e6","allowUnsigned":false}"#,
            #"{"format":1,"name":"N","allowUnsigned":false,"colour":"red"}"#,
            #"{"format":1,"format":1,"name":"N","allowUnsigned":false}"#,
            #"{"format":1,"name":"N","allowUnsigned":false,"allowUnsigned":true}"#,
            #"{"format":1,"name":"N","allowUnsigned":false,"pseudonymous":true,"pseudonymous":null}"#,
            #"{"format":1.0,"name":"N","allowUnsigned":false}"#,
        ]
        for text in settingsTexts {
            let data = Data(text.utf8)
            XCTAssertNil(LedgerSettingsScanner.settings(from: data), text)
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: data), "not valid JSON: \(text)")
            assertSettingsDecodeAsJSONDecoderDoes(data)
        }
    }

    /// Everything JSONDecoder refuses is refused by `decode` too: missing keys, wrong types,
    /// malformed input, every prefix of a good file, junk after it, invalid UTF-8, a BOM.
    func testMalformedOrWrongFilesAreRefused() throws {
        let goodPolicy = String(decoding: policies[1].encoded(), as: UTF8.self)
        var badPolicies: [[UInt8]] = [
            #"{"admins":["a@b.no"]}"#, #"{"version":1}"#,
            #"{"version":"1","admins":["a@b.no"]}"#, #"{"version":null,"admins":["a@b.no"]}"#,
            #"{"version":1,"admins":"a@b.no"}"#, #"{"version":1,"admins":[1]}"#, #"{"version":1,"admins":[null]}"#,
            #"{"version":1,"admins":["a@b.no"],"owners":[]}"#, #"{"version":1,"admins":["a@b.no"],"owners":{"s":"x"}}"#,
            #"{"version":1,"admins":["a@b.no"],"owners":{"s":null}}"#, #"{"version":1,"admins":["a@b.no"],"approvals":{"s":"2"}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":true}}"#, #"{"version":1,"admins":["a@b.no"],"waivers":{}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":"yes"}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":1}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":tru}}"#,
            #"{"version":1,"admins":["a@b.no"],"waivers":{"approvalRequired":true,"maxDays":-1}}"#,
            #"{"version":1,"admins":["a@b.no"],"approvals":{"s":99999999999999999999}}"#,
            #"{"version":01,"admins":["a@b.no"]}"#, #"[]"#, #"null"#, "",
            goodPolicy + "x", goodPolicy + "{}",
        ].map { Array($0.utf8) }
        for cut in 0..<goodPolicy.utf8.count { badPolicies.append(Array(goodPolicy.utf8.prefix(cut))) }
        badPolicies.append([0xEF, 0xBB, 0xBF] + Array(goodPolicy.utf8))
        for invalid: [UInt8] in [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF]] {
            badPolicies.append(Array(#"{"version":1,"admins":[""#.utf8) + invalid + Array(#""]}"#.utf8))
        }
        for bytes in badPolicies {
            let data = Data(bytes)
            assertPolicyDecodesAsJSONDecoderDoes(data)
        }
        let goodSettings = String(decoding: settings[2].encoded(), as: UTF8.self)
        var badSettings: [[UInt8]] = [
            #"{"name":"N","allowUnsigned":false}"#, #"{"format":1,"allowUnsigned":false}"#, #"{"format":1,"name":"N"}"#,
            #"{"format":1,"name":"N","allowUnsigned":"false"}"#, #"{"format":1,"name":"N","allowUnsigned":null}"#,
            #"{"format":1,"name":"N","allowUnsigned":false,"pseudonymous":"true"}"#, #"{"format":1,"name":null,"allowUnsigned":false}"#,
            #"{"format":"1","name":"N","allowUnsigned":false}"#, #"{"format":-1,"name":"N","allowUnsigned":false}"#,
            goodSettings + "]",
        ].map { Array($0.utf8) }
        for cut in 0..<goodSettings.utf8.count { badSettings.append(Array(goodSettings.utf8.prefix(cut))) }
        badSettings.append([0xEF, 0xBB, 0xBF] + Array(goodSettings.utf8))
        badSettings.append(Array(#"{"format":1,"name":""#.utf8) + [0xC3, 0x28] + Array(#"","allowUnsigned":false}"#.utf8))
        for bytes in badSettings {
            assertSettingsDecodeAsJSONDecoderDoes(Data(bytes))
        }
    }
}
