import FairwayCore
import Foundation

/// Node groups and their updates. Request bodies are the shapes of the EKS API (FairwayCore's
/// `NodeGroup.create` and `.updateConfig`); members that belong in the URI (`clusterName`, and
/// `nodegroupName` for updates) are taken out of the body, and a `clientRequestToken` is added
/// when absent so a retried create or update is not applied twice.
extension EKSClient {
    /// ListNodegroups: every node group's name, following `nextToken` page by page.
    public func listNodegroups(cluster: String, pageSize: Int? = nil) async throws(AWSError) -> [String] {
        var names: [String] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            var query: [(name: String, value: String)] = []
            if let pageSize { query.append(("maxResults", String(pageSize))) }
            if let token { query.append(("nextToken", token)) }
            let page = try await call("GET", ["clusters", cluster, "node-groups"], query: query, operation: "ListNodegroups")
            names += (page["nodegroups"]?.arrayValue ?? []).compactMap(\.stringValue)
            token = page["nextToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if let token, !seen.insert(token).inserted {
                throw AWSError(.invalidResponse, "the endpoint returned the same nextToken twice", operation: "ListNodegroups",
                               endpoint: endpoint.origin)
            }
        } while token != nil
        return names
    }

    /// DescribeNodegroup: the `nodegroup` object.
    public func describeNodegroup(cluster: String, nodegroup: String) async throws(AWSError) -> JSONValue {
        let answer = try await call("GET", ["clusters", cluster, "node-groups", nodegroup], operation: "DescribeNodegroup")
        return try member("nodegroup", of: answer, operation: "DescribeNodegroup")
    }

    /// CreateNodegroup: the new `nodegroup` object (status CREATING on EKS).
    public func createNodegroup(cluster: String, request: JSONValue) async throws(AWSError) -> JSONValue {
        let body = Self.body(request, removing: ["clusterName"])
        let answer = try await call("POST", ["clusters", cluster, "node-groups"], body: body, operation: "CreateNodegroup")
        return try member("nodegroup", of: answer, operation: "CreateNodegroup")
    }

    /// CreateNodegroup with Fairway's rendered request, in the cluster it names.
    public func createNodegroup(_ group: NodeGroup) async throws(AWSError) -> JSONValue {
        try await createNodegroup(cluster: try Self.clusterName(group), request: group.create)
    }

    /// UpdateNodegroupConfig: the `update` object (its id is what DescribeUpdate follows).
    public func updateNodegroupConfig(cluster: String, nodegroup: String, request: JSONValue) async throws(AWSError) -> JSONValue {
        let body = Self.body(request, removing: ["clusterName", "nodegroupName"])
        let answer = try await call("POST", ["clusters", cluster, "node-groups", nodegroup, "update-config"], body: body,
                                    operation: "UpdateNodegroupConfig")
        return try member("update", of: answer, operation: "UpdateNodegroupConfig")
    }

    /// UpdateNodegroupConfig with Fairway's rendered request.
    public func updateNodegroupConfig(_ group: NodeGroup) async throws(AWSError) -> JSONValue {
        try await updateNodegroupConfig(cluster: try Self.clusterName(group), nodegroup: group.name, request: group.updateConfig)
    }

    /// DeleteNodegroup: the `nodegroup` object (status DELETING on EKS).
    public func deleteNodegroup(cluster: String, nodegroup: String) async throws(AWSError) -> JSONValue {
        let answer = try await call("DELETE", ["clusters", cluster, "node-groups", nodegroup], operation: "DeleteNodegroup")
        return try member("nodegroup", of: answer, operation: "DeleteNodegroup")
    }

    /// DescribeUpdate: the `update` object. Emulators that lack it (moto) give an error of kind `.unsupported`.
    public func describeUpdate(cluster: String, updateId: String, nodegroup: String? = nil) async throws(AWSError) -> JSONValue {
        let query: [(name: String, value: String)] = nodegroup.map { [("nodegroupName", $0)] } ?? []
        let answer = try await call("GET", ["clusters", cluster, "updates", updateId], query: query, operation: "DescribeUpdate")
        return try member("update", of: answer, operation: "DescribeUpdate")
    }

    static func body(_ request: JSONValue, removing uriMembers: [String]) -> JSONValue {
        guard case var .object(members) = request else { return request }
        for key in uriMembers { members[key] = nil }
        if members["clientRequestToken"] == nil { members["clientRequestToken"] = .string(UUID().uuidString.lowercased()) }
        return .object(members)
    }

    static func clusterName(_ group: NodeGroup) throws(AWSError) -> String {
        guard let name = group.create["clusterName"]?.stringValue, !name.isEmpty else {
            throw AWSError(.configuration, "node group '\(group.name)' names no clusterName", path: group.sourcePath)
        }
        return name
    }
}
