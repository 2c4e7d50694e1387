import FairwayLive
import FairwayYAML
import Foundation

extension Kubeconfig {
    /// Parses one kubeconfig file. `path` names the file in errors, and relative paths in it
    /// (certificate files, token files, exec commands with a slash) are resolved against its directory.
    /// An empty file is an empty configuration, as for kubectl.
    public static func parse(_ bytes: [UInt8], path: String) throws(KubeconfigError) -> Kubeconfig {
        let stream: YAMLStream
        do {
            stream = try YAMLParser.parse(bytes)
        } catch {
            throw KubeconfigError(.malformed, "not valid YAML: \(error.message)", file: path, line: error.mark.line)
        }
        var config = Kubeconfig(files: [path])
        guard let root = stream.documents.first, !root.isNull else { return config }
        let reader = NodeReader(file: path)
        guard root.pairs != nil else { throw reader.error(root, "a kubeconfig must be a mapping, not \(root.kindDescription)") }
        config.currentContext = try reader.string(root["current-context"], "current-context").flatMap { $0.isEmpty ? nil : $0 }
        for (name, node, entry) in try reader.namedEntries(root["clusters"], list: "clusters", field: "cluster") {
            if config.clusters[name] == nil { config.clusters[name] = try reader.cluster(node, entry: entry) }
        }
        for (name, node, entry) in try reader.namedEntries(root["users"], list: "users", field: "user") {
            if config.users[name] == nil { config.users[name] = try reader.user(node, entry: entry) }
        }
        for (name, node, entry) in try reader.namedEntries(root["contexts"], list: "contexts", field: "context") {
            if config.contexts[name] == nil { config.contexts[name] = try reader.context(node, entry: entry) }
        }
        return config
    }
}

/// Reads kubeconfig fields from positioned YAML nodes, reporting the file and line of a bad value.
private struct NodeReader {
    let file: String
    var directory: String { FileIO.directory(of: file) }

    func error(_ node: YAMLNode, _ message: String) -> KubeconfigError {
        KubeconfigError(.malformed, message, file: file, line: node.mark.line)
    }

    func origin(_ node: YAMLNode) -> Kubeconfig.Origin { Kubeconfig.Origin(file: file, line: node.mark.line) }

    /// An absolute path: relative ones are taken from the kubeconfig's directory.
    func resolved(_ path: String) -> String {
        path.hasPrefix("/") ? path : "\(directory)/\(path)"
    }

    func string(_ node: YAMLNode?, _ field: String) throws(KubeconfigError) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.scalar else { throw error(node, "\(field) must be a string, not \(node.kindDescription)") }
        return text
    }

    func bool(_ node: YAMLNode?, _ field: String) throws(KubeconfigError) -> Bool {
        guard let text = try string(node, field) else { return false }
        guard let value = YAMLCoreSchema.bool(text) else { throw error(node!, "\(field) must be true or false, not '\(text)'") }
        return value
    }

    func base64(_ node: YAMLNode?, _ field: String) throws(KubeconfigError) -> [UInt8]? {
        guard let text = try string(node, field) else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw error(node!, "\(field) is not valid base64") }
        return Array(data)
    }

    func strings(_ node: YAMLNode?, _ field: String) throws(KubeconfigError) -> [String] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else { throw error(node, "\(field) must be a list, not \(node.kindDescription)") }
        var result: [String] = []
        for item in items { result.append(try string(item, field) ?? "") }
        return result
    }

    /// `- name: x` + `field: {...}` entries of `clusters`, `users` or `contexts`.
    func namedEntries(_ node: YAMLNode?, list: String, field: String) throws(KubeconfigError) -> [(String, YAMLNode, YAMLNode)] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else { throw error(node, "\(list) must be a list, not \(node.kindDescription)") }
        var entries: [(String, YAMLNode, YAMLNode)] = []
        for item in items {
            guard item.pairs != nil else { throw error(item, "each entry of \(list) must be a mapping") }
            guard let name = try string(item["name"], "name"), !name.isEmpty else { throw error(item, "an entry of \(list) has no name") }
            let body = item[field] ?? YAMLNode(.mapping([]), mark: item.mark)
            guard body.isNull || body.pairs != nil else { throw error(body, "\(list) entry '\(name)': \(field) must be a mapping") }
            entries.append((name, body, item))
        }
        return entries
    }

    func cluster(_ node: YAMLNode, entry: YAMLNode) throws(KubeconfigError) -> Kubeconfig.Cluster {
        Kubeconfig.Cluster(
            server: try string(node["server"], "server") ?? "",
            certificateAuthority: try string(node["certificate-authority"], "certificate-authority").map(resolved),
            certificateAuthorityData: try base64(node["certificate-authority-data"], "certificate-authority-data"),
            insecureSkipTLSVerify: try bool(node["insecure-skip-tls-verify"], "insecure-skip-tls-verify"),
            tlsServerName: try string(node["tls-server-name"], "tls-server-name"),
            origin: origin(entry))
    }

    func user(_ node: YAMLNode, entry: YAMLNode) throws(KubeconfigError) -> Kubeconfig.User {
        var user = Kubeconfig.User(origin: origin(entry))
        user.token = try string(node["token"], "token").flatMap { $0.isEmpty ? nil : Redacted($0) }
        user.tokenFile = try string(node["tokenFile"], "tokenFile").map(resolved)
        user.clientCertificate = try string(node["client-certificate"], "client-certificate").map(resolved)
        user.clientCertificateData = try base64(node["client-certificate-data"], "client-certificate-data")
        user.clientKey = try string(node["client-key"], "client-key").map(resolved)
        user.clientKeyData = try base64(node["client-key-data"], "client-key-data").map(Redacted.init)
        user.username = try string(node["username"], "username")
        user.password = try string(node["password"], "password").map(Redacted.init)
        if let provider = node["auth-provider"], !provider.isNull {
            user.authProvider = try string(provider["name"], "auth-provider.name") ?? "unnamed"
        }
        if let exec = node["exec"], !exec.isNull { user.exec = try execConfig(exec) }
        return user
    }

    func execConfig(_ node: YAMLNode) throws(KubeconfigError) -> ExecConfig {
        guard node.pairs != nil else { throw error(node, "exec must be a mapping, not \(node.kindDescription)") }
        let apiVersion = try string(node["apiVersion"], "exec.apiVersion") ?? ""
        guard ExecConfig.supportedAPIVersions.contains(apiVersion) else {
            throw error(node, "exec.apiVersion '\(apiVersion)' is not supported; use one of "
                        + ExecConfig.supportedAPIVersions.joined(separator: ", "))
        }
        guard var command = try string(node["command"], "exec.command"), !command.isEmpty else {
            throw error(node, "exec.command is missing")
        }
        if command.contains("/") { command = resolved(command) }
        var env: [ExecConfig.EnvVar] = []
        if let list = node["env"], !list.isNull {
            guard let items = list.items else { throw error(list, "exec.env must be a list of name/value pairs") }
            for item in items {
                guard let name = try string(item["name"], "exec.env.name") else { throw error(item, "exec.env entry has no name") }
                env.append(ExecConfig.EnvVar(name: name, value: try string(item["value"], "exec.env.value") ?? ""))
            }
        }
        return ExecConfig(apiVersion: apiVersion, command: command, args: try strings(node["args"], "exec.args"), env: env,
                          provideClusterInfo: try bool(node["provideClusterInfo"], "exec.provideClusterInfo"),
                          installHint: try string(node["installHint"], "exec.installHint"))
    }

    func context(_ node: YAMLNode, entry: YAMLNode) throws(KubeconfigError) -> Kubeconfig.Context {
        Kubeconfig.Context(cluster: try string(node["cluster"], "cluster") ?? "", user: try string(node["user"], "user") ?? "",
                           namespace: try string(node["namespace"], "namespace").flatMap { $0.isEmpty ? nil : $0 },
                           origin: origin(entry))
    }
}
