//! `Microsoft.Compute/galleries/images` — image definitions (REST: GalleryRP `GalleryImage`).

use super::{arm_object, Tags};

arm_object! {
    /// An image definition as ARM prints it.
    pub struct GalleryImage {
        /// ARM id.
        pub id: String,
        /// Definition name.
        pub name: String,
        /// `Microsoft.Compute/galleries/images`. The world sets it from a constant, not a copy per
        /// resource.
        #[serde(rename = "type")]
        pub resource_type: std::borrow::Cow<'static, str>,
        /// Region.
        pub location: String,
        /// Tags (updatable).
        pub tags: Tags,
        /// The api-version the resource came with.
        pub api_version: String,
        /// Definition properties.
        pub properties: GalleryImageProperties,
    }
}

arm_object! {
    /// Image definition `properties`.
    pub struct GalleryImageProperties {
        /// Free text (updatable).
        pub description: String,
        /// EULA link.
        pub eula: String,
        /// Privacy statement link.
        pub privacy_statement_uri: String,
        /// Release notes link.
        pub release_note_uri: String,
        /// Windows | Linux (required).
        pub os_type: String,
        /// Generalized | Specialized (required).
        pub os_state: String,
        /// V1 | V2 (default V1).
        pub hyper_v_generation: String,
        /// ISO 8601 end-of-life date (updatable).
        pub end_of_life_date: String,
        /// Publisher / offer / SKU (required).
        pub identifier: GalleryImageIdentifier,
        /// Recommended machine configuration (updatable).
        pub recommended: RecommendedMachineConfiguration,
        /// Disallowed disk types.
        pub disallowed: Disallowed,
        /// Marketplace purchase plan.
        pub purchase_plan: ImagePurchasePlan,
        /// Read-only provisioning state.
        pub provisioning_state: String,
        /// Features such as SecurityType.
        pub features: Vec<GalleryImageFeature>,
        /// x64 | Arm64 (2021-10-01+).
        pub architecture: String,
        /// 2024-03-03+.
        pub allow_update_image: bool,
    }
}

arm_object! {
    /// `properties.identifier`.
    pub struct GalleryImageIdentifier {
        /// Publisher (≤ 128).
        pub publisher: String,
        /// Offer (≤ 64).
        pub offer: String,
        /// SKU (≤ 64).
        pub sku: String,
    }
}

arm_object! {
    /// `properties.recommended`.
    pub struct RecommendedMachineConfiguration {
        /// vCPU range.
        #[serde(rename = "vCPUs")]
        pub v_cpus: ResourceRange,
        /// Memory range (MB).
        pub memory: ResourceRange,
    }
}

arm_object! {
    /// A `{min, max}` range.
    pub struct ResourceRange {
        /// Minimum.
        pub min: i64,
        /// Maximum.
        pub max: i64,
    }
}

arm_object! {
    /// `properties.disallowed`.
    pub struct Disallowed {
        /// Disk types that must not be used with the image.
        pub disk_types: Vec<String>,
    }
}

arm_object! {
    /// `properties.purchasePlan`.
    pub struct ImagePurchasePlan {
        /// Plan id.
        pub name: String,
        /// Publisher.
        pub publisher: String,
        /// Product.
        pub product: String,
    }
}

arm_object! {
    /// One entry of `properties.features`.
    pub struct GalleryImageFeature {
        /// Feature name, e.g. SecurityType.
        pub name: String,
        /// Feature value, e.g. TrustedLaunch.
        pub value: String,
        /// 2024-03-03+.
        pub starts_at_version: String,
    }
}
