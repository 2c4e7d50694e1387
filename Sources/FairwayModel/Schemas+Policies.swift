extension KindSchemas {
    static let workloadKinds = ["Notebook", "RayJob", "RayCluster", "RayService"]

    static let gpuFairnessPolicy = ObjectSchema("How GPUs are shared between tenants, per GPU class.", [
        Field("defaults", .object(ObjectSchema("Defaults for every tenant entry.", [
            Field("weight", .integer(min: 1, max: 1000), "Fair-share weight; default 1."),
        ])), "Defaults."),
        Field("classes", .map(.object(ObjectSchema("One GPU class.", [
            Field("maxSharePercent", .integer(min: 1, max: 100), "No tenant above this share of capacity."),
            Field("tenants", .map(.object(ObjectSchema("One tenant's share of the class.", [
                Field("guaranteed", .count, required: true, "GPUs reserved for the tenant (Kueue nominalQuota)."),
                Field("weight", .integer(min: 1, max: 1000), "Fair-share weight."),
                Field("borrowingLimit", .integer(min: 0, max: nil), "Most GPUs borrowed beyond the guarantee (any larger value than the class holds means no limit)."),
                Field("lendingLimit", .count, "Most of the guarantee lent to others."),
                Field("demand", .count, "Peak demand; default the tenant's declared peak."),
                Field("jobSize", .integer(min: 1, max: nil),
                      "Units per job of the demand above the declared workloads; default one job of all of it."),
            ])), keyFormat: .dnsLabel), "Tenants by name."),
        ])), keyFormat: .dnsLabel), "Classes by name."),
    ])

    static let gpuSharingPolicy = ObjectSchema("Which workloads may use shared GPUs.", [
        Field("timeSlicing", .object(ObjectSchema("Time-sliced GPUs.", [
            Field("allowedWorkloads", .list(.enumeration(workloadKinds)), "Workload kinds allowed on them."),
            Field("maxReplicas", .integer(min: 2, max: 64), "Most time-slicing replicas per GPU."),
        ])), "Time slicing."),
        Field("mig", .object(ObjectSchema("MIG devices.", [
            Field("strategy", .enumeration(["single", "mixed"]), "Device-plugin MIG strategy."),
            Field("allowedWorkloads", .list(.enumeration(workloadKinds)), "Workload kinds allowed on them."),
        ])), "MIG."),
    ])
}
