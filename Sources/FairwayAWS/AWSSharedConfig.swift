import FairwayLive
import Foundation

/// The shared AWS files: the credentials file (`[NAME]` sections) and the config file (`[default]`
/// and `[profile NAME]` sections; `[sso-session ...]`, `[services ...]` and other sections are
/// ignored). Keys are case-insensitive; `#` and `;` start comment lines; an indented `key = value`
/// under a key without a value is a nested setting (`s3.max_concurrent_requests`). Every setting
/// remembers its file and line, so errors can point at it. A missing file is an empty file.
public struct AWSSharedConfig: Sendable {
    /// One value and where it was written.
    public struct Setting: Sendable, Equatable {
        public var value: String
        public var path: String
        public var line: Int
    }

    public typealias Profile = [String: Setting]

    public let credentialsPath: String
    public let configPath: String
    /// Profiles from the credentials file, by name.
    public private(set) var credentialsProfiles: [String: Profile] = [:]
    /// Profiles from the config file, by name (`default`, or NAME from `[profile NAME]`).
    public private(set) var configProfiles: [String: Profile] = [:]

    /// Reads both files; a file that does not exist counts as empty.
    public static func load(credentialsPath: String, configPath: String) throws(AWSError) -> AWSSharedConfig {
        var config = AWSSharedConfig(credentialsPath: credentialsPath, configPath: configPath)
        if let text = try read(credentialsPath) {
            config.credentialsProfiles = try parse(text, path: credentialsPath)
        }
        if let text = try read(configPath) {
            for (section, settings) in try parse(text, path: configPath) {
                if section == "default" {
                    config.configProfiles["default", default: [:]].merge(settings) { _, new in new }
                } else if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                    let name = String(section.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                    config.configProfiles[name, default: [:]].merge(settings) { _, new in new }
                }
            }
        }
        return config
    }

    init(credentialsPath: String, configPath: String) {
        self.credentialsPath = credentialsPath
        self.configPath = configPath
    }

    /// A profile's settings from both files, the credentials file winning; nil when neither has it.
    public func profile(_ name: String) -> Profile? {
        let fromCredentials = credentialsProfiles[name]
        let fromConfig = configProfiles[name]
        guard fromCredentials != nil || fromConfig != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentials in credentials }
    }

    private static func read(_ path: String) throws(AWSError) -> String? {
        guard FileIO.exists(path) else { return nil }
        do {
            return String(decoding: try FileIO.readAll(path), as: UTF8.self)
        } catch {
            throw AWSError(.configuration, error.message, path: path)
        }
    }

    /// Parses INI text; a line that is neither a comment, a `[section]` nor `key = value` is an error
    /// naming the file and line.
    static func parse(_ text: String, path: String) throws(AWSError) -> [String: Profile] {
        var sections: [String: Profile] = [:]
        var current: String?
        var lastKey: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.isEmpty || content.hasPrefix("#") || content.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"
            if content.hasPrefix("[") && !indented {
                guard content.hasSuffix("]"), content.count > 2 else {
                    throw AWSError(.configuration, "malformed section header (expected [name])", path: path, line: lineNumber)
                }
                let name = String(content.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                current = name
                lastKey = nil
                sections[name] = sections[name] ?? [:]
                continue
            }
            guard let section = current else {
                throw AWSError(.configuration, "a setting before any [section]", path: path, line: lineNumber)
            }
            let delimiter = content.firstIndex { $0 == "=" || $0 == ":" }
            if indented, let parent = lastKey {
                // A nested setting under a key without a value, or a continuation line of a value.
                if let delimiter, sections[section]?[parent]?.value.isEmpty == true {
                    let key = content[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
                    let value = content[content.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
                    sections[section]?["\(parent).\(key)"] = Setting(value: value, path: path, line: lineNumber)
                } else {
                    sections[section]?[parent]?.value += "\n" + content
                }
                continue
            }
            // The line itself is not quoted: in a credentials file it may hold a secret.
            guard let delimiter, delimiter != content.startIndex else {
                throw AWSError(.configuration, "expected 'key = value' or '[section]'", path: path, line: lineNumber)
            }
            let key = content[..<delimiter].trimmingCharacters(in: .whitespaces).lowercased()
            let value = content[content.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            sections[section]?[key] = Setting(value: value, path: path, line: lineNumber)
            lastKey = key
        }
        return sections
    }
}
