import Foundation

/// Where AWS settings come from: environment variables (a dictionary, so tests inject their own),
/// an explicit profile name, and the shared files they point to. Answers which profile, which files,
/// which region and which endpoint apply; reads nothing of the real home unless told to.
public struct AWSEnvironment: Sendable {
    public var variables: [String: String]
    /// A profile chosen explicitly (a flag or a setting); it overrides AWS_PROFILE and, as in the AWS
    /// CLI, makes the credential chain skip the environment's keys.
    public var explicitProfile: String?
    /// The home directory for `~/.aws/...`; defaults to HOME.
    public var home: String?

    public init(variables: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil,
                home: String? = nil) {
        self.variables = variables
        explicitProfile = profile.flatMap { $0.isEmpty ? nil : $0 }
        self.home = home
    }

    /// A variable's value, nil when unset or empty.
    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// The explicit profile, else AWS_PROFILE, else `default`.
    public var profileName: String { explicitProfile ?? self["AWS_PROFILE"] ?? "default" }

    /// Whether a profile was asked for (explicitly or with AWS_PROFILE) rather than defaulted.
    public var profileWasChosen: Bool { explicitProfile != nil || self["AWS_PROFILE"] != nil }

    public var credentialsPath: String { expand(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials") }
    public var configPath: String { expand(self["AWS_CONFIG_FILE"] ?? "~/.aws/config") }

    public func sharedConfig() throws(AWSError) -> AWSSharedConfig {
        try AWSSharedConfig.load(credentialsPath: credentialsPath, configPath: configPath)
    }

    /// The region: `explicit`, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`
    /// in the config file; nil when none says.
    public func region(explicit: String? = nil) throws(AWSError) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let region = self["AWS_REGION"] ?? self["AWS_DEFAULT_REGION"] { return region }
        let value = try sharedConfig().profile(profileName)?["region"]?.value
        return value?.isEmpty == false ? value : nil
    }

    /// The endpoint for a service: `explicit`, else AWS_ENDPOINT_URL_<SERVICE> (`AWS_ENDPOINT_URL_STS`),
    /// else AWS_ENDPOINT_URL, else `https://<service>.<region>.amazonaws.com` (`.com.cn` in China;
    /// STS without a region uses its global endpoint).
    public func endpoint(service: String, region: String?, explicit: String? = nil) throws(AWSError) -> AWSURL {
        let variable = "AWS_ENDPOINT_URL_" + service.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        for (origin, value) in [("the endpoint setting", explicit), (variable, self[variable]), ("AWS_ENDPOINT_URL", self["AWS_ENDPOINT_URL"])] {
            guard let value, !value.isEmpty else { continue }
            guard let url = AWSURL(string: value) else {
                throw AWSError(.configuration, "\(origin) is not an http(s) URL: \(value)")
            }
            return url
        }
        guard let region else {
            if service == "sts" { return AWSURL(host: "sts.amazonaws.com") }
            throw AWSError(.configuration, "no AWS region for \(service): set AWS_REGION, or region in the profile '\(profileName)'")
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return AWSURL(host: "\(service).\(region).\(suffix)")
    }

    private func expand(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = home ?? self["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
