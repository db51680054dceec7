//! Diagnostics: the one shape every rule reports in, plus the published code catalogue.
//!
//! A code names a *rule*, so it is stable: the UI, the CLI's JSON output and the docs key on it.
//! Where Azure has a real error code we use it (`InvalidParameter`, `CannotDeleteResource`, ...);
//! otherwise the code is ours and says what rule was broken.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How bad a finding is; `Error` blocks a command and makes `sig validate` exit 1. Written in
/// lower case everywhere (`error`, `warning`, `info`: JSON and text alike); the capitalised
/// spelling older outputs used is still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The resource would be refused by Azure.
    #[serde(alias = "Error")]
    Error,
    /// Allowed, but against documented best practice, or could not be verified.
    #[serde(alias = "Warning")]
    Warning,
    /// Something the user should know (e.g. a part of the input was skipped).
    #[serde(alias = "Info")]
    Info,
}

impl Severity {
    /// Lower-case label used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One entry of the published code catalogue (see [`catalogue`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    /// The stable code string, e.g. `"InvalidParameter"`.
    pub code: &'static str,
    /// The severity every diagnostic with this code carries.
    pub severity: Severity,
    /// One sentence stating the rule.
    pub summary: &'static str,
    /// Where the rule comes from (`Azure` = Azure's own code; `seed` = the contract document; ...).
    pub source: &'static str,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident => $sev:ident, $summary:literal, $source:literal; )*) => {
        /// Every diagnostic code the core can emit. `as_str()` is the stable wire form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$doc])* $name, )* }

        impl Code {
            /// All codes, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The stable string form (identical to the variant name).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => stringify!($name),)* }
            }

            /// The severity every diagnostic with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// The catalogue entry for this code.
            pub fn info(self) -> CodeInfo {
                match self {
                    $(Code::$name => CodeInfo {
                        code: stringify!($name),
                        severity: Severity::$sev,
                        summary: $summary,
                        source: $source,
                    },)*
                }
            }
        }

        static CATALOGUE: &[CodeInfo] = &[
            $(CodeInfo { code: stringify!($name), severity: Severity::$sev, summary: $summary, source: $source },)*
        ];
    };
}

codes! {
    /// Azure's code for a bad parameter value (seen for duplicate target regions).
    InvalidParameter => Error, "A parameter value is not accepted (e.g. duplicate target regions).", "Azure (400)";
    /// Deleting a parent that still has children.
    CannotDeleteResource => Error, "A gallery or image definition cannot be deleted while nested resources exist.", "Azure (409)";
    /// The resource group named in the id does not exist.
    ResourceGroupNotFound => Error, "The resource group must exist before resources are created in it.", "Azure (404)";
    /// The subscription named in the id does not exist in the simulated world.
    SubscriptionNotFound => Error, "The subscription must exist before resources are created in it.", "Azure (404)";
    /// The tenant named by a subscription does not exist.
    TenantNotFound => Error, "A subscription must belong to an existing tenant.", "simulator";
    /// The parent gallery or image definition does not exist.
    ParentResourceNotFound => Error, "A nested resource needs its parent (gallery, image definition) to exist.", "Azure (404)";
    /// The resource addressed by an update/delete/query does not exist.
    ResourceNotFound => Error, "The addressed resource does not exist.", "Azure (404)";
    /// No image version can serve `latest` in the requested region.
    GalleryImageNotFound => Error, "No image version is available (replicated and not excluded from latest) in the requested region.", "Azure (404)";
    /// A quota/limit would be exceeded.
    OperationNotAllowed => Error, "Per subscription per region: at most 100 galleries, 1,000 image definitions, 10,000 image versions.", "Azure + seed (Limits)";
    /// A resource with that name already exists where names must be unique.
    Conflict => Error, "Names are unique: gallery per subscription, definition per gallery, version per definition; create refuses an existing resource.", "Azure (409) + seed";
    /// A property that cannot be updated was changed.
    PropertyChangeNotAllowed => Error, "Only the properties the seed lists as updatable may change after creation.", "Azure + seed (Updating resources)";
    /// The caller may do the main action but not read a resource the request links to.
    LinkedAuthorizationFailed => Error, "Creating an image version also needs read access to each source it names (managed image, snapshot, disk, VM, another version, a VHD's storage account); checked after the write itself is allowed.", "Azure (403)";
    /// A version whose safety profile forbids it loses a replicated region.
    ReplicatedLocationDeletionNotAllowed => Error, "A version with safetyProfile.allowDeletionOfReplicatedLocations = false keeps every region it has replicated to; removing one from targetRegions is refused (API 2022-03-03+).", "Azure (safetyProfile)";
    /// A version whose safety profile blocks deletion is deleted before its end of life.
    DeletionBlockedBeforeEndOfLife => Error, "A version with safetyProfile.blockDeletionBeforeEndOfLife = true cannot be deleted before its end-of-life date (API 2024-03-03+).", "Azure (safetyProfile)";
    /// A region that is unknown or not allowed for the resource.
    LocationNotAvailableForResourceType => Error, "Galleries, definitions and versions can only be created in the seed's source regions; target regions must be known Azure regions.", "Azure + seed (Regional Support)";
    /// Gallery name rule.
    GalleryNameInvalid => Error, "Gallery name: 1-80 characters, English letters, digits, '.' and '_', starting and ending with a letter or digit; no dashes.", "Azure troubleshooting";
    /// Image definition name rule.
    ImageDefinitionNameInvalid => Error, "Image definition name: 1-80 characters, letters, digits, '.', '_' and '-', starting with a letter or digit, not ending with '.', '-' or '_'.", "Azure troubleshooting";
    /// Image version name rule.
    ImageVersionNameInvalid => Error, "Image version name: Major.Minor.Patch, each a 32-bit non-negative integer.", "Azure troubleshooting";
    /// Publisher/offer/SKU rule.
    IdentifierInvalid => Error, "Publisher (max 128), offer and SKU (max 64): not empty, letters, digits, '-', '.', '_', not ending with '.'.", "Azure troubleshooting";
    /// Two definitions in a gallery share publisher, offer and SKU.
    DuplicateIdentifier => Error, "Within a gallery every image definition has a unique (publisher, offer, SKU); compared case-insensitively.", "seed (Image definitions)";
    /// A required property is missing.
    RequiredPropertyMissing => Error, "A property Azure requires is missing (location, osType, osState, identifier, target region name, LUN...).", "Azure REST spec";
    /// A resource id could not be parsed or is of the wrong type.
    ResourceIdInvalid => Error, "Resource ids must be fully qualified ARM ids of the expected type.", "simulator";
    /// The body's name disagrees with its id.
    NameIdMismatch => Warning, "A resource's `name` should equal the last segment of its `id`.", "simulator";
    /// `osType` rule.
    OsTypeInvalid => Error, "osType is Windows or Linux.", "Azure REST spec";
    /// `osState` rule.
    OsStateInvalid => Error, "osState is Generalized or Specialized.", "Azure REST spec + seed";
    /// `hyperVGeneration` rule.
    HyperVGenerationInvalid => Error, "hyperVGeneration is V1 or V2.", "Azure REST spec";
    /// Another enumerated property has an unknown value.
    PropertyValueInvalid => Error, "Enumerated properties (architecture, replicationMode, hostCaching...) take one of their documented values.", "Azure REST spec";
    /// Security types are Gen2-only.
    SecurityTypeRequiresV2 => Error, "A SecurityType feature other than Standard requires hyperVGeneration V2.", "Azure docs (features)";
    /// Recommended vCPU / memory range rule.
    RecommendedRangeInvalid => Error, "Recommended vCPUs / memory: min and max are at least 1 and min is not greater than max.", "Azure troubleshooting";
    /// Disallowed disk types must be real disk types.
    DiskTypeInvalid => Error, "Disallowed disk types are real managed disk types.", "Azure REST spec";
    /// URI rule.
    UriInvalid => Error, "EULA, privacy statement and release notes URIs are absolute http(s) URIs.", "simulator (safety)";
    /// Date parse rule.
    DateInvalid => Error, "Dates are ISO 8601 (yyyy-MM-dd or a full date-time).", "Azure troubleshooting";
    /// End-of-life date rule.
    EndOfLifeDateInPast => Error, "An end-of-life date, when set, is in the future.", "Azure troubleshooting";
    /// Exactly one OS source.
    SourceCountInvalid => Error, "An image version has exactly one OS source, given either under storageProfile.source or on the disks, not both.", "Azure troubleshooting";
    /// Source ids must be fully qualified.
    SourceIdInvalid => Error, "Source ids are fully qualified resource ids.", "Azure troubleshooting";
    /// Source ids must point at the right kind of resource.
    SourceKindInvalid => Error, "storageProfile.source is a managed image, VM or image version; disk sources are managed disks or snapshots.", "Azure troubleshooting";
    /// The source does not exist (only checked when applying a command).
    SourceNotFound => Error, "The source of a new image version must exist.", "Azure troubleshooting";
    /// The source is in another region than the version.
    SourceRegionMismatch => Error, "The source must be in the image version's region (its location).", "seed FAQ";
    /// OS type mismatch with the definition.
    OsTypeMismatch => Error, "The source's OS type equals the image definition's.", "Azure troubleshooting";
    /// OS state mismatch with the definition.
    OsStateMismatch => Error, "The source's OS state equals the image definition's.", "Azure troubleshooting";
    /// Hyper-V generation mismatch with the definition.
    HyperVGenerationMismatch => Error, "The source's Hyper-V generation equals the image definition's.", "Azure troubleshooting";
    /// LUNs must be unique.
    DuplicateLun => Error, "Data disk LUNs are unique.", "Azure troubleshooting";
    /// Disk source ids must be unique.
    DuplicateSourceId => Error, "Each disk has its own source.", "Azure troubleshooting";
    /// Disk size limit.
    DiskTooLarge => Error, "Any disk attached to the image is at most 1 TB (1024 GB).", "seed (Limits)";
    /// The source region must be targeted.
    SourceRegionNotTargeted => Error, "The image version's location (source region) is one of its target regions.", "seed FAQ";
    /// Replica count range.
    ReplicaCountOutOfRange => Error, "Regional and common replica counts are between 1 and 10.", "seed (Limits)";
    /// Storage account type value.
    StorageAccountTypeInvalid => Error, "storageAccountType is Standard_LRS, Standard_ZRS or Premium_LRS.", "seed";
    /// ZRS needs availability zones.
    ZrsNotSupportedInRegion => Error, "Standard_ZRS is only available in regions with availability zones.", "seed + Azure troubleshooting";
    /// Allow-listed regions.
    RegionNotAllowListed => Error, "Replicating to Australia Central / Australia Central 2 needs an allow-listed subscription.", "seed (Regional Support)";
    /// Allow-listing could not be verified.
    RegionAllowListUnknown => Warning, "Target region needs an allow-listed subscription and the subscription is not in the input.", "seed (Regional Support)";
    /// No cross-cloud replication.
    CrossCloudReplication => Error, "Image versions cannot be replicated to another cloud (public, China, US Government, Germany).", "seed FAQ";
    /// Best practice on locations.
    LocationDiffers => Warning, "Best practice: keep resource group, gallery, definition and version in the same location.", "seed FAQ";
    /// A property is newer than the resource's apiVersion.
    FeatureRequiresNewerApiVersion => Error, "A property is only understood from a given api-version on (e.g. storageAccountType needs 2019-03-01).", "seed FAQ + the GalleryRP api-version history";
    /// An apiVersion older than the seed's advice.
    ApiVersionBelowRecommended => Warning, "Use api-version 2018-06-01+ for gallery resources and 2018-04-01+ for VMs / scale sets using an image version.", "seed FAQ";
    /// apiVersion is not a date.
    ApiVersionInvalid => Error, "apiVersion is yyyy-MM-dd with an optional -preview suffix.", "ARM";
    /// Template expression we cannot evaluate.
    TemplateExpressionUnsupported => Warning, "A template expression could not be evaluated; rules depending on it were skipped.", "simulator";
    /// Template value known only at deployment time.
    TemplateValueUnknown => Info, "A template value is only known at deployment time (e.g. resourceGroup().location); rules depending on it were skipped.", "simulator";
    /// Input that is not an ARM shape we know.
    DocumentUnrecognized => Error, "The input is not an ARM resource, array, list response, REST example, deployment template or export file.", "simulator";
    /// JSON whose structure does not match the resource schema.
    ResourceShapeInvalid => Error, "A resource's JSON does not match its schema (wrong type for a field).", "Azure REST spec";
    /// Part of the input was skipped.
    NotAResource => Info, "A body that is not a gallery resource (e.g. a sharing update) was skipped.", "simulator";
    /// A replication fault/retry that does not fit the region's state.
    ReplicationStateInvalid => Error, "A fault can be injected only while a region replicates; only a failed region can be retried.", "simulator";
    /// A `--target-regions` entry the az CLI refuses.
    TargetRegionArgumentInvalid => Error, "az --target-regions entries are <region>[=<replica count>][=<storage account type>].", "az CLI (usage error)";
    /// Where the image version's replication stands in the deployment region.
    ReplicationStateInRegion => Info, "A VM or scale set can be deployed from an image version only once its replication to that region is Completed.", "seed (Replication)";
    /// Which version `latest` resolved to, and why.
    LatestResolved => Info, "`latest` is the highest Major.Minor.Patch replicated (Completed) to the region and not excluded from latest there.", "Azure docs: latest";
    /// Specialized images take no osProfile.
    OsProfileNotAllowed => Error, "VMs from specialized images have no osProfile.", "Azure troubleshooting + seed";
    /// Generalized images need an osProfile.
    OsProfileRequired => Error, "VMs from generalized images need an osProfile (computer name, admin account).", "Azure troubleshooting";
    /// Specialized images pass no secrets (no osProfile): KeyVault, WinRM may not work.
    SpecializedSecrets => Warning, "VMs from a specialized image get no osProfile, so no secrets: KeyVault certificates, WinRM and other functionality using them may not work; managed identities can help.", "seed (Generalized and specialized images)";
    /// Specialized images keep the source VM's accounts.
    SpecializedAccounts => Info, "Accounts that could log into the source VM can log into every VM from a specialized image.", "seed (Generalized and specialized images)";
    /// Specialized images keep the source VM's computer name.
    SpecializedComputerName => Warning, "VMs from a specialized image have the computer name of the VM the image was taken from; change it to avoid collisions.", "seed (Generalized and specialized images)";
    /// Shallow replication's caveats (advice, as the tools that enforce them are not Azure).
    ShallowReplicationAdvice => Warning, "Shallow replication skips copying the image: ready sooner, but not for deploying many VMs; Packer allows one region and one replica with it, Terraform no disk encryption set.", "Azure docs (Shallow replication), Packer, Terraform";
    /// Gallery resources can't move to another resource group or subscription.
    ResourceMoveNotSupported => Error, "Gallery resources can't be moved to another resource group or subscription; replicate versions or copy an image from another gallery instead.", "seed FAQ; ARM (409)";
    /// The source can't make a version of the definition's security type.
    SourceSecurityTypeMismatch => Error, "A confidential VM image can't come from a managed image (a TrustedLaunchSupported version captured from a VM is Azure's InvalidParameter).", "Azure docs (Image definitions, Confidential VMs)";
    /// The VM's security type does not fit the definition's.
    VmSecurityTypeMismatch => Error, "A VM's security type must be one its image definition's SecurityType allows (TrustedLaunch only from TrustedLaunch images, and so on).", "Azure docs (Image definitions: features)";
    /// Encryption per target region breaks one of its rules.
    EncryptionSettingsInvalid => Error, "Each target region has its own disk encryption set in the gallery's subscription; only the version's data disks; no VHD source.", "Azure docs (customer-managed keys for images)";
    /// A share action that does not fit the gallery's sharing method or state.
    SharingOperationNotAllowed => Error, "Add and Remove need a gallery shared directly (Groups), EnableCommunity a community gallery; a shared gallery goes back to Private only through Reset, and a published community gallery is reset before it is deleted.", "Azure docs (direct shared and community galleries)";
    /// The subscriptions and tenants named by a share action.
    SharingGroupsInvalid => Error, "A share action names at least one subscription or tenant id (types Subscriptions, AADTenants); a gallery is shared with at most 30 subscriptions and 5 tenants.", "Azure docs (direct shared gallery), az CLI";
    /// A community gallery's publisher information.
    CommunityGalleryInfoInvalid => Error, "A community gallery has a publisher URL, publisher email, legal agreement URL and a community gallery prefix of 5 to 16 letters or digits.", "Azure docs (community gallery), az CLI, Terraform";
    /// What a shared gallery can't hold.
    SharedGalleryContentInvalid => Error, "A directly shared or community gallery holds no encrypted image versions and no TrustedLaunch or ConfidentialVM definitions, and its definitions and versions are in its region.", "Azure docs (direct shared and community galleries, image definitions)";
    /// Soft delete's location rule, and a soft-deleted version's name taken.
    SoftDeleteNotAllowed => Error, "Soft delete needs the gallery, its image definitions and versions in one location; a soft-deleted version's name is taken until it is restored or purged.", "Azure docs (soft delete)";
    /// A version was soft-deleted: recoverable for 7 days.
    SoftDeleted => Info, "With soft delete on, a deleted image version is kept for 7 days: it can be restored until then, and one replica per region is billed.", "Azure docs (soft delete)";
    /// Scale-set size limits.
    ScaleSetTooLarge => Error, "A scale set holds at most 1,000 instances from a gallery image (600 from a managed image).", "seed (Scaling)";
    /// Too few replicas for the concurrent deployment.
    ReplicaThrottlingRisk => Warning, "Keep one replica per 20 concurrent VMs and one per concurrent scale set of up to 600 instances, or deployments may be throttled.", "seed (Scaling)";
    /// A scale set can switch from a managed image to a gallery image only when they match.
    ScaleSetImageSwapMismatch => Error, "A scale set can switch from a managed image to a gallery image only when OS type, Hyper-V generation and data disk layout match.", "seed FAQ";
    /// The recommended replicas exceed the limit.
    ReplicaDemandExceedsLimit => Warning, "The recommended replica count exceeds the 10 replicas per region limit; it was capped.", "seed (Scaling, Limits)";
    /// The seed's advice to over-provision.
    OverProvisionReplicas => Info, "Over-provision replicas because of image size, content and OS type.", "seed (Scaling)";
    /// Prices used by a cost estimate are assumptions.
    CostAssumption => Info, "Cost estimates use an editable price table; its defaults are assumptions, not Azure's price list.", "simulator";
    /// A price table with a missing, negative or non-numeric price.
    InvalidPriceTable => Error, "A price table has one non-negative price per managed-disk tier for each storage type, and a non-negative egress price per GiB.", "simulator";
    /// The actor lacks the RBAC action at the scope (or a directory privilege).
    AuthorizationFailed => Error, "A principal may perform an action at a scope only when a role assigned to it (or to a group it is in) at that scope or above allows the action; nothing crosses a tenant without an explicit assignment.", "Azure (403)";
    /// The principal is not in the scope's directory.
    PrincipalNotFound => Error, "A role assignment or group membership names a principal of the scope's (group's) own tenant.", "Azure (400)";
    /// The role definition does not exist.
    RoleDefinitionDoesNotExist => Error, "A role assignment names an existing built-in or custom role definition.", "Azure (404)";
    /// The same principal already has that role at that scope.
    RoleAssignmentExists => Error, "A principal holds a given role at a given scope at most once.", "Azure (409)";
    /// A group would contain itself.
    GroupMembershipCycle => Error, "Group nesting cannot make a group a member of itself.", "simulator";
    /// Sharing an individual image version.
    ShareAtGalleryLevel => Warning, "We recommend sharing at the Gallery level for the best experience. We do not recommend sharing individual image versions.", "seed (Access)";
    /// More than 50 tags on one resource.
    TooManyTags => Error, "A resource can have at most 50 tags.", "Azure docs (tags)";
    /// A tag name longer than 512 characters.
    TagNameTooLong => Error, "Tag names are at most 512 characters.", "Azure docs (tags)";
    /// A tag name with a reserved or control character.
    InvalidTagNameCharacters => Error, "Tag names are not empty and have none of < > % & \\ ? / or control characters.", "Azure (400)";
    /// A tag value longer than 256 characters.
    TagValueTooLong => Error, "Tag values are at most 256 characters.", "Azure docs (tags)";
    /// The seed's practice applied to a state's cost: older versions in fewer regions.
    CostAdvice => Info, "Keep the newest version replicated widely and older versions in fewer regions; the advice says what that would save.", "seed (Billing / best practices)";
    /// A key given twice in one JSON object (readers keep one value: ARM and az the last).
    DuplicateJsonKey => Warning, "A key appears at most once in a JSON object; with a repeated key only one value is used.", "JSON (RFC 8259) + ARM";
    /// The same resource twice in one input (ARM refuses a template that defines one twice).
    DuplicateResource => Error, "A resource is defined at most once in one input (ARM: 'is defined multiple times in a template').", "Azure (InvalidTemplate)";
    /// An existing resource's end of life has passed (informational; new dates must be future).
    EndOfLifePassed => Warning, "An existing resource past its end-of-life date is still usable: the date is informational. A new or changed date must be in the future.", "seed (end of life) + Azure docs";
}

/// The complete list of codes the core can emit, for the docs.
pub fn catalogue() -> &'static [CodeInfo] {
    CATALOGUE
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code '{s}'")))
    }
}

/// One finding: which rule, how bad, what it says, where (JSON path) and on which resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Stable rule code.
    pub code: Code,
    /// Always `code.severity()`; serialized so consumers need no catalogue.
    pub severity: Severity,
    /// Human message stating the rule (Azure's own text where it has one).
    pub message: String,
    /// JSON path of the offending field, e.g. `properties.identifier.publisher`; empty = whole resource.
    pub path: String,
    /// The resource the finding is about (canonical ARM id, or a document position).
    pub resource_id: String,
}

impl Diagnostic {
    /// Builds a diagnostic; the severity comes from the code so it can never disagree with the catalogue.
    pub fn new(
        code: Code,
        resource_id: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            path: path.into(),
            resource_id: resource_id.into(),
        }
    }

    /// True for `Severity::Error`.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} [{}] {}: {}",
            self.severity.as_str(),
            self.code,
            self.resource_id,
            self.path,
            self.message
        )
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_lists_every_code_once_with_matching_severity() {
        assert_eq!(catalogue().len(), Code::ALL.len());
        for (info, code) in catalogue().iter().zip(Code::ALL) {
            assert_eq!(info.code, code.as_str());
            assert_eq!(info.severity, code.severity());
            assert_eq!(code.info(), *info);
        }
        let mut names: Vec<_> = catalogue().iter().map(|c| c.code).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn code_serde_round_trip() {
        for c in Code::ALL {
            let s = serde_json::to_string(c).unwrap();
            let back: Code = serde_json::from_str(&s).unwrap();
            assert_eq!(*c, back);
        }
        assert!(serde_json::from_str::<Code>("\"Nope\"").is_err());
    }
}
