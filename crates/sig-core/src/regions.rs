//! Region catalogue: every Azure region the simulator knows, with the facts the rules need.
//!
//! Choices (documented because the sources disagree):
//! * **Source regions** are exactly the seed's 2020 table (41 regions). Galleries, definitions and
//!   versions may only be created there; every known region of the same cloud may be a target.
//! * **Availability zones** (= where `Standard_ZRS` is allowed): the 2020-12-17 AZ list from
//!   Azure docs, "Azure Compute Gallery": source regions plus the 2021 additions Brazil South, Central India, Korea Central, Norway East and
//!   West US 3. Newer AZ regions (e.g. Sweden Central) are deliberately *not* marked: the contract is
//!   the 2020 seed.
//! * **Allow-listing**: Australia Central and Australia Central 2 (seed "Regional Support").
//! * Latitude/longitude are the public `az account list-locations` values (rounded), used later for
//!   replication timing; they are approximate and never part of a rule.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The sovereign cloud a region belongs to; replication never crosses clouds (seed FAQ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Cloud {
    /// Azure public cloud.
    Public,
    /// Azure China (21Vianet).
    China,
    /// Azure US Government, including the DoD regions.
    USGovernment,
    /// Azure Germany (the retired sovereign cloud the seed FAQ still names).
    Germany,
}

impl Cloud {
    /// Display label.
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Public => "Azure public cloud",
            Cloud::China => "Azure China 21Vianet",
            Cloud::USGovernment => "Azure Government",
            Cloud::Germany => "Azure Germany",
        }
    }
}

const Z: u8 = 1; // availability zones
const S: u8 = 2; // seed source region
const A: u8 = 4; // needs an allow-listed subscription

/// Static facts about one region.
#[derive(Debug, PartialEq)]
pub struct Region {
    /// Programmatic name, e.g. `southcentralus`.
    pub name: &'static str,
    /// Display name, e.g. `South Central US`.
    pub display_name: &'static str,
    /// Cloud the region belongs to.
    pub cloud: Cloud,
    /// Rough geography group (used for replication timing and grouping in the UI).
    pub geography: &'static str,
    /// Approximate latitude.
    pub latitude: f64,
    /// Approximate longitude.
    pub longitude: f64,
    flags: u8,
}

impl Region {
    /// Whether the region has availability zones (so `Standard_ZRS` is allowed).
    pub fn has_zones(&self) -> bool {
        self.flags & Z != 0
    }
    /// Whether the seed lists the region as a source region.
    pub fn is_source_region(&self) -> bool {
        self.flags & S != 0
    }
    /// Whether replicating here needs an allow-listed subscription.
    pub fn requires_allow_list(&self) -> bool {
        self.flags & A != 0
    }
}

macro_rules! regions {
    ($( ($name:literal, $display:literal, $cloud:ident, $geo:literal, $lat:expr, $lon:expr, $flags:expr) ),* $(,)?) => {
        /// Every region the simulator knows, sorted by programmatic name.
        pub static REGIONS: &[Region] = &[
            $( Region { name: $name, display_name: $display, cloud: Cloud::$cloud, geography: $geo,
                        latitude: $lat, longitude: $lon, flags: $flags }, )*
        ];
    };
}

regions! {
    ("australiacentral", "Australia Central", Public, "Australia", -35.31, 149.12, S | A),
    ("australiacentral2", "Australia Central 2", Public, "Australia", -35.31, 149.12, S | A),
    ("australiaeast", "Australia East", Public, "Australia", -33.86, 151.21, S | Z),
    ("australiasoutheast", "Australia Southeast", Public, "Australia", -37.81, 144.96, S),
    ("brazilsouth", "Brazil South", Public, "South America", -23.55, -46.63, S | Z),
    ("brazilsoutheast", "Brazil Southeast", Public, "South America", -22.90, -43.21, 0),
    ("canadacentral", "Canada Central", Public, "Canada", 43.65, -79.38, S | Z),
    ("canadaeast", "Canada East", Public, "Canada", 46.82, -71.22, S),
    ("centralindia", "Central India", Public, "India", 18.58, 73.92, S | Z),
    ("centralus", "Central US", Public, "United States", 41.59, -93.62, S | Z),
    ("centraluseuap", "Central US EUAP", Public, "United States", 41.59, -93.62, S),
    ("chilecentral", "Chile Central", Public, "South America", -33.45, -70.67, 0),
    ("chinaeast", "China East", China, "China", 31.23, 121.47, S),
    ("chinaeast2", "China East 2", China, "China", 31.23, 121.47, S),
    ("chinaeast3", "China East 3", China, "China", 31.23, 121.47, 0),
    ("chinanorth", "China North", China, "China", 39.90, 116.40, S),
    ("chinanorth2", "China North 2", China, "China", 39.90, 116.40, S),
    ("chinanorth3", "China North 3", China, "China", 38.04, 114.51, 0),
    ("eastasia", "East Asia", Public, "Asia Pacific", 22.27, 114.19, S),
    ("eastus", "East US", Public, "United States", 37.37, -79.82, S | Z),
    ("eastus2", "East US 2", Public, "United States", 36.67, -78.39, S | Z),
    ("eastus2euap", "East US 2 EUAP", Public, "United States", 36.67, -78.39, S),
    ("francecentral", "France Central", Public, "Europe", 46.38, 2.37, S | Z),
    ("francesouth", "France South", Public, "Europe", 43.83, 2.20, S),
    ("germanycentral", "Germany Central", Germany, "Germany", 50.11, 8.68, 0),
    ("germanynorth", "Germany North", Public, "Europe", 53.07, 8.81, 0),
    ("germanynortheast", "Germany Northeast", Germany, "Germany", 52.16, 11.62, 0),
    ("germanywestcentral", "Germany West Central", Public, "Europe", 50.11, 8.68, Z),
    ("indonesiacentral", "Indonesia Central", Public, "Asia Pacific", -6.21, 106.85, 0),
    ("israelcentral", "Israel Central", Public, "Middle East", 31.27, 33.45, 0),
    ("italynorth", "Italy North", Public, "Europe", 45.47, 9.18, 0),
    ("japaneast", "Japan East", Public, "Asia Pacific", 35.68, 139.77, S | Z),
    ("japanwest", "Japan West", Public, "Asia Pacific", 34.69, 135.50, S),
    ("jioindiacentral", "Jio India Central", Public, "India", 21.15, 79.09, 0),
    ("jioindiawest", "Jio India West", Public, "India", 22.47, 70.06, 0),
    ("koreacentral", "Korea Central", Public, "Asia Pacific", 37.57, 126.98, S | Z),
    ("koreasouth", "Korea South", Public, "Asia Pacific", 35.18, 129.08, S),
    ("malaysiawest", "Malaysia West", Public, "Asia Pacific", 3.139, 101.69, 0),
    ("mexicocentral", "Mexico Central", Public, "Mexico", 20.59, -100.39, 0),
    ("newzealandnorth", "New Zealand North", Public, "Asia Pacific", -36.85, 174.76, 0),
    ("northcentralus", "North Central US", Public, "United States", 41.88, -87.63, S),
    ("northeurope", "North Europe", Public, "Europe", 53.35, -6.26, S | Z),
    ("norwayeast", "Norway East", Public, "Europe", 59.91, 10.75, Z),
    ("norwaywest", "Norway West", Public, "Europe", 58.97, 5.73, 0),
    ("polandcentral", "Poland Central", Public, "Europe", 52.23, 21.01, 0),
    ("qatarcentral", "Qatar Central", Public, "Middle East", 25.55, 51.44, 0),
    ("southafricanorth", "South Africa North", Public, "Africa", -25.73, 28.22, Z),
    ("southafricawest", "South Africa West", Public, "Africa", -34.08, 18.84, 0),
    ("southcentralus", "South Central US", Public, "United States", 29.42, -98.50, S | Z),
    ("southeastasia", "Southeast Asia", Public, "Asia Pacific", 1.28, 103.83, S | Z),
    ("southindia", "South India", Public, "India", 12.98, 80.16, S),
    ("spaincentral", "Spain Central", Public, "Europe", 40.43, -3.42, 0),
    ("swedencentral", "Sweden Central", Public, "Europe", 60.67, 17.14, 0),
    ("swedensouth", "Sweden South", Public, "Europe", 55.61, 13.00, 0),
    ("switzerlandnorth", "Switzerland North", Public, "Europe", 47.45, 8.56, 0),
    ("switzerlandwest", "Switzerland West", Public, "Europe", 46.20, 6.14, 0),
    ("uaecentral", "UAE Central", Public, "Middle East", 24.47, 54.37, 0),
    ("uaenorth", "UAE North", Public, "Middle East", 25.27, 55.32, 0),
    ("uksouth", "UK South", Public, "Europe", 50.94, -0.80, S | Z),
    ("ukwest", "UK West", Public, "Europe", 53.43, -3.08, S),
    ("usdodcentral", "US DoD Central", USGovernment, "US Government", 41.60, -93.61, S),
    ("usdodeast", "US DoD East", USGovernment, "US Government", 36.67, -78.39, S),
    ("usgovarizona", "US Gov Arizona", USGovernment, "US Government", 33.45, -112.07, S),
    ("usgovtexas", "US Gov Texas", USGovernment, "US Government", 29.42, -98.50, S),
    ("usgovvirginia", "US Gov Virginia", USGovernment, "US Government", 37.37, -79.82, S | Z),
    ("westcentralus", "West Central US", Public, "United States", 40.89, -110.23, S),
    ("westeurope", "West Europe", Public, "Europe", 52.37, 4.90, S | Z),
    ("westindia", "West India", Public, "India", 19.09, 72.87, S),
    ("westus", "West US", Public, "United States", 37.78, -122.42, S),
    ("westus2", "West US 2", Public, "United States", 47.23, -119.85, S | Z),
    ("westus3", "West US 3", Public, "United States", 33.45, -112.07, Z),
}

/// Compares user text to a programmatic name ignoring ASCII case and whitespace, without allocating.
fn matches_normalized(input: &str, name: &str) -> bool {
    let mut want = name.bytes();
    for b in input.bytes().filter(|b| !b.is_ascii_whitespace()) {
        match want.next() {
            Some(w) if w == b.to_ascii_lowercase() => {}
            _ => return false,
        }
    }
    want.next().is_none()
}

/// Finds a region by `southcentralus`, `South Central US` or `SouthCentralUS` (case and spaces ignored).
pub fn lookup(input: &str) -> Option<&'static Region> {
    // Fast path: most inputs are already programmatic names (`westus`), which equal exactly one
    // row; the table is sorted by name (a test checks it), so a binary search finds it. This runs
    // for every location and target region of every resource validated.
    if let Ok(i) = REGIONS.binary_search_by(|r| r.name.cmp(input)) {
        return Some(&REGIONS[i]);
    }
    // Display names as written (`West US`, what the portal and most files put in target
    // regions): an exact comparison each, most failing at the length or first byte.
    if let Some(r) = REGIONS.iter().find(|r| r.display_name == input) {
        return Some(r);
    }
    // Other spellings (`WestUS`, `west us`): a linear, allocation-free scan of ~70 rows.
    REGIONS.iter().find(|r| matches_normalized(input, r.name))
}

/// The seed's source-region table, in table order of the catalogue.
pub fn source_regions() -> impl Iterator<Item = &'static Region> {
    REGIONS.iter().filter(|r| r.is_source_region())
}

/// A validated region: it can only hold a region from [`REGIONS`]. Serializes as the programmatic name.
#[derive(Clone, Copy)]
pub struct RegionName(&'static Region);

impl RegionName {
    /// Validates a region name in any accepted spelling.
    pub fn new(input: &str) -> Option<RegionName> {
        lookup(input).map(RegionName)
    }
    /// The catalogue entry.
    pub fn region(self) -> &'static Region {
        self.0
    }
    /// Programmatic name (`westus`).
    pub fn as_str(self) -> &'static str {
        self.0.name
    }
    /// Display name (`West US`).
    pub fn display_name(self) -> &'static str {
        self.0.display_name
    }
}

impl PartialEq for RegionName {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for RegionName {}
impl PartialOrd for RegionName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for RegionName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.name.cmp(other.0.name)
    }
}
impl std::hash::Hash for RegionName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state)
    }
}
impl fmt::Debug for RegionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionName({})", self.0.name)
    }
}
impl fmt::Display for RegionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}
impl Serialize for RegionName {
    fn serialize<S2: Serializer>(&self, s: S2) -> Result<S2::Ok, S2::Error> {
        s.serialize_str(self.0.name)
    }
}
impl<'de> Deserialize<'de> for RegionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegionName::new(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown Azure region '{s}'")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_by_name_for_the_binary_search() {
        for w in REGIONS.windows(2) {
            assert!(w[0].name < w[1].name, "{} before {}", w[0].name, w[1].name);
        }
        for r in REGIONS {
            assert_eq!(lookup(r.name).map(|x| x.name), Some(r.name));
        }
    }

    #[test]
    fn lookup_accepts_every_spelling() {
        for input in [
            "southcentralus",
            "South Central US",
            "SouthCentralUS",
            " south central us ",
        ] {
            assert_eq!(
                lookup(input).map(|r| r.name),
                Some("southcentralus"),
                "{input}"
            );
        }
        for bad in ["", "south", "southcentralus2", "Mars"] {
            assert!(lookup(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn display_names_normalize_to_names() {
        for r in REGIONS {
            assert_eq!(lookup(r.display_name).map(|x| x.name), Some(r.name));
        }
        let mut names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        let sorted = names.clone();
        names.sort_unstable();
        assert_eq!(names, sorted, "table stays sorted");
        names.dedup();
        assert_eq!(names.len(), REGIONS.len());
    }

    #[test]
    fn seed_tables() {
        assert_eq!(source_regions().count(), 41, "seed lists 41 source regions");
        let zones: Vec<_> = REGIONS
            .iter()
            .filter(|r| r.has_zones())
            .map(|r| r.name)
            .collect();
        assert_eq!(zones.len(), 21);
        assert!(lookup("West US 3").is_some_and(|r| r.has_zones() && !r.is_source_region()));
        assert!(lookup("westus").is_some_and(|r| !r.has_zones()));
        let allow: Vec<_> = REGIONS
            .iter()
            .filter(|r| r.requires_allow_list())
            .map(|r| r.name)
            .collect();
        assert_eq!(allow, ["australiacentral", "australiacentral2"]);
        assert_eq!(
            lookup("US DoD East").map(|r| r.cloud),
            Some(Cloud::USGovernment)
        );
        assert_eq!(lookup("chinanorth2").map(|r| r.cloud), Some(Cloud::China));
    }

    #[test]
    fn region_name_serde() {
        let r: RegionName = serde_json::from_str("\"West US 2\"").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"westus2\"");
        assert!(serde_json::from_str::<RegionName>("\"nowhere\"").is_err());
    }
}
