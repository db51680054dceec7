//! The seed's numeric limits, each defined exactly once.

/// "10 image version replicas, per subscription, per region" (seed, 2020): regional and common
/// replica counts must lie in `MIN_REPLICAS..=MAX_REPLICAS_PER_REGION`.
pub const MAX_REPLICAS_PER_REGION: i64 = 10;
/// A replica count of 0 never appears in any source; 1 is the smallest meaningful count.
pub const MIN_REPLICAS: i64 = 1;
/// "Any disk attached to the image must be less than or equal to 1TB in size" — 1 TB read as 1024 GiB.
pub const MAX_DISK_SIZE_GB: i64 = 1024;
/// With `replicationMode` Shallow (newer than the seed; Azure docs, "Azure Compute Gallery":
/// "large images (up to 32 TB)"), read per disk like the seed's limit: 32 TB as 32,768 GiB.
pub const MAX_SHALLOW_DISK_SIZE_GB: i64 = 32 * 1024;
/// Concurrent VMs a Shallow version serves before the simulator warns. Azure documents only that
/// "you can't deploy a large number of VMs from that image version"; the simulator reads "large"
/// as more than the seed's one-replica guideline (20 concurrent VMs).
pub const SHALLOW_CONCURRENT_VMS: u32 = 20;
/// Galleries per subscription per region.
pub const MAX_GALLERIES_PER_SUBSCRIPTION_REGION: usize = 100;
/// Image definitions per subscription per region.
pub const MAX_IMAGES_PER_SUBSCRIPTION_REGION: usize = 1_000;
/// Image versions per subscription per region.
pub const MAX_VERSIONS_PER_SUBSCRIPTION_REGION: usize = 10_000;
/// "You can share up to 30 subscriptions and 5 tenants" (Azure docs, direct shared gallery): a
/// gallery's `sharingProfile.groups` name at most this many subscriptions…
pub const MAX_SHARED_SUBSCRIPTIONS: usize = 30;
/// …and at most this many tenants.
pub const MAX_SHARED_TENANTS: usize = 5;
/// Soft delete: "recover accidentally deleted resources within a 7 day retention period. After
/// this timeframe, the platform permanently deletes the resources" (Azure docs, soft delete).
pub const SOFT_DELETE_RETENTION_DAYS: i64 = 7;
