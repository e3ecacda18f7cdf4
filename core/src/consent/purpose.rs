//! Purposes of use: the `PurposeOfUse` branch of the HL7 v3 ActReason code system
//! (`http://terminology.hl7.org/CodeSystem/v3-ActReason`), with its is-a hierarchy.
//!
//! The codes, their displays and their parents are those of the CodeSystem resource
//! `v3-ActReason` (version 2018-08-12, `hierarchyMeaning` is-a) published in the HL7 package
//! `hl7.fhir.r4.examples` 4.0.1, all 59 concepts under `PurposeOfUse`. The hierarchy is what a
//! grant means: a grant for `TREAT` covers its kinds `ETREAT`, `BTG` (a kind of `ETREAT`),
//! `ERTREAT`, `COC`, `POPHLTH` and `CLINTRL`, while a grant for `ETREAT` does not cover routine
//! `TREAT`. [`PurposeSet`] keeps a set of purposes as a 64-bit mask, so that checking whether
//! a set covers a requested purpose is one `AND`.

use core::fmt;

/// The system URI of the v3 ActReason code system.
pub const ACT_REASON_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

/// How many purposes there are.
pub const COUNT: usize = 59;

/// A purpose of use: a code of the `PurposeOfUse` branch of v3 ActReason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum Purpose {
    /// `HMARKT`: healthcare marketing.
    HealthcareMarketing,
    /// `HOPERAT`: healthcare operations.
    HealthcareOperations,
    /// `CAREMGT`: care management (a kind of `HOPERAT`).
    CareManagement,
    /// `DONAT`: donation (a kind of `HOPERAT`).
    Donation,
    /// `FRAUD`: fraud (a kind of `HOPERAT`).
    Fraud,
    /// `GOV`: government (a kind of `HOPERAT`).
    Government,
    /// `HACCRED`: health accreditation (a kind of `HOPERAT`).
    HealthAccreditation,
    /// `HCOMPL`: health compliance (a kind of `HOPERAT`).
    HealthCompliance,
    /// `HDECD`: decedent (a kind of `HOPERAT`).
    Decedent,
    /// `HDIRECT`: directory (a kind of `HOPERAT`).
    Directory,
    /// `HDM`: healthcare delivery management (a kind of `HOPERAT`).
    HealthcareDeliveryManagement,
    /// `HLEGAL`: legal (a kind of `HOPERAT`).
    Legal,
    /// `HOUTCOMS`: health outcome measure (a kind of `HOPERAT`).
    HealthOutcomeMeasure,
    /// `HPRGRP`: health program reporting (a kind of `HOPERAT`).
    HealthProgramReporting,
    /// `HQUALIMP`: health quality improvement (a kind of `HOPERAT`).
    HealthQualityImprovement,
    /// `HSYSADMIN`: health system administration (a kind of `HOPERAT`).
    HealthSystemAdministration,
    /// `LABELING`: labeling (a kind of `HSYSADMIN`).
    Labeling,
    /// `METAMGT`: metadata management (a kind of `HSYSADMIN`).
    MetadataManagement,
    /// `MEMADMIN`: member administration (a kind of `HOPERAT`).
    MemberAdministration,
    /// `MILCDM`: military command (a kind of `HOPERAT`).
    MilitaryCommand,
    /// `PATADMIN`: patient administration (a kind of `HOPERAT`).
    PatientAdministration,
    /// `PATSFTY`: patient safety (a kind of `HOPERAT`).
    PatientSafety,
    /// `PERFMSR`: performance measure (a kind of `HOPERAT`).
    PerformanceMeasure,
    /// `RECORDMGT`: records management (a kind of `HOPERAT`).
    RecordsManagement,
    /// `SYSDEV`: system development (a kind of `HOPERAT`).
    SystemDevelopment,
    /// `HTEST`: test health data (a kind of `SYSDEV`).
    TestHealthData,
    /// `TRAIN`: training (a kind of `HOPERAT`).
    Training,
    /// `HPAYMT`: healthcare payment.
    HealthcarePayment,
    /// `CLMATTCH`: claim attachment (a kind of `HPAYMT`).
    ClaimAttachment,
    /// `COVAUTH`: coverage authorization (a kind of `HPAYMT`).
    CoverageAuthorization,
    /// `COVERAGE`: coverage under policy or program (a kind of `HPAYMT`).
    CoverageUnderPolicyOrProgram,
    /// `ELIGDTRM`: eligibility determination (a kind of `COVERAGE`).
    EligibilityDetermination,
    /// `ELIGVER`: eligibility verification (a kind of `COVERAGE`).
    EligibilityVerification,
    /// `ENROLLM`: enrollment (a kind of `COVERAGE`).
    Enrollment,
    /// `MILDCRG`: military discharge (a kind of `COVERAGE`).
    MilitaryDischarge,
    /// `REMITADV`: remittance advice (a kind of `HPAYMT`).
    RemittanceAdvice,
    /// `HRESCH`: healthcare research.
    HealthcareResearch,
    /// `BIORCH`: biomedical research (a kind of `HRESCH`).
    BiomedicalResearch,
    /// `CLINTRCH`: clinical trial research (a kind of `HRESCH`).
    ClinicalTrialResearch,
    /// `CLINTRCHNPC`: clinical trial research without patient care (a kind of `CLINTRCH`).
    ClinicalTrialResearchWithoutPatientCare,
    /// `CLINTRCHPC`: clinical trial research with patient care (a kind of `CLINTRCH`).
    ClinicalTrialResearchWithPatientCare,
    /// `PRECLINTRCH`: preclinical trial research (a kind of `CLINTRCH`).
    PreclinicalTrialResearch,
    /// `DSRCH`: disease specific healthcare research (a kind of `HRESCH`).
    DiseaseSpecificHealthcareResearch,
    /// `POARCH`: population origins or ancestry healthcare research (a kind of `HRESCH`).
    PopulationOriginsOrAncestryHealthcareResearch,
    /// `TRANSRCH`: translational healthcare research (a kind of `HRESCH`).
    TranslationalHealthcareResearch,
    /// `PATRQT`: patient requested.
    PatientRequested,
    /// `FAMRQT`: family requested (a kind of `PATRQT`).
    FamilyRequested,
    /// `PWATRNY`: power of attorney (a kind of `PATRQT`).
    PowerOfAttorney,
    /// `SUPNWK`: support network (a kind of `PATRQT`).
    SupportNetwork,
    /// `PUBHLTH`: public health.
    PublicHealth,
    /// `DISASTER`: disaster (a kind of `PUBHLTH`).
    Disaster,
    /// `THREAT`: threat (a kind of `PUBHLTH`).
    Threat,
    /// `TREAT`: treatment.
    Treatment,
    /// `CLINTRL`: clinical trial (a kind of `TREAT`).
    ClinicalTrial,
    /// `COC`: coordination of care (a kind of `TREAT`).
    CoordinationOfCare,
    /// `ETREAT`: emergency treatment (a kind of `TREAT`).
    EmergencyTreatment,
    /// `BTG`: break the glass (a kind of `ETREAT`).
    BreakTheGlass,
    /// `ERTREAT`: emergency room treatment (a kind of `ETREAT`).
    EmergencyRoomTreatment,
    /// `POPHLTH`: population health (a kind of `TREAT`).
    PopulationHealth,
}

/// (purpose, code, display, parent) in the order of the code system; row `i` is the purpose
/// whose discriminant is `i`.
const TABLE: [(Purpose, &str, &str, Option<Purpose>); COUNT] = [
    (Purpose::HealthcareMarketing, "HMARKT", "healthcare marketing", None),
    (Purpose::HealthcareOperations, "HOPERAT", "healthcare operations", None),
    (Purpose::CareManagement, "CAREMGT", "care management", Some(Purpose::HealthcareOperations)),
    (Purpose::Donation, "DONAT", "donation", Some(Purpose::HealthcareOperations)),
    (Purpose::Fraud, "FRAUD", "fraud", Some(Purpose::HealthcareOperations)),
    (Purpose::Government, "GOV", "government", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthAccreditation, "HACCRED", "health accreditation", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthCompliance, "HCOMPL", "health compliance", Some(Purpose::HealthcareOperations)),
    (Purpose::Decedent, "HDECD", "decedent", Some(Purpose::HealthcareOperations)),
    (Purpose::Directory, "HDIRECT", "directory", Some(Purpose::HealthcareOperations)),
    (
        Purpose::HealthcareDeliveryManagement,
        "HDM",
        "healthcare delivery management",
        Some(Purpose::HealthcareOperations),
    ),
    (Purpose::Legal, "HLEGAL", "legal", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthOutcomeMeasure, "HOUTCOMS", "health outcome measure", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthProgramReporting, "HPRGRP", "health program reporting", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthQualityImprovement, "HQUALIMP", "health quality improvement", Some(Purpose::HealthcareOperations)),
    (
        Purpose::HealthSystemAdministration,
        "HSYSADMIN",
        "health system administration",
        Some(Purpose::HealthcareOperations),
    ),
    (Purpose::Labeling, "LABELING", "labeling", Some(Purpose::HealthSystemAdministration)),
    (Purpose::MetadataManagement, "METAMGT", "metadata management", Some(Purpose::HealthSystemAdministration)),
    (Purpose::MemberAdministration, "MEMADMIN", "member administration", Some(Purpose::HealthcareOperations)),
    (Purpose::MilitaryCommand, "MILCDM", "military command", Some(Purpose::HealthcareOperations)),
    (Purpose::PatientAdministration, "PATADMIN", "patient administration", Some(Purpose::HealthcareOperations)),
    (Purpose::PatientSafety, "PATSFTY", "patient safety", Some(Purpose::HealthcareOperations)),
    (Purpose::PerformanceMeasure, "PERFMSR", "performance measure", Some(Purpose::HealthcareOperations)),
    (Purpose::RecordsManagement, "RECORDMGT", "records management", Some(Purpose::HealthcareOperations)),
    (Purpose::SystemDevelopment, "SYSDEV", "system development", Some(Purpose::HealthcareOperations)),
    (Purpose::TestHealthData, "HTEST", "test health data", Some(Purpose::SystemDevelopment)),
    (Purpose::Training, "TRAIN", "training", Some(Purpose::HealthcareOperations)),
    (Purpose::HealthcarePayment, "HPAYMT", "healthcare payment", None),
    (Purpose::ClaimAttachment, "CLMATTCH", "claim attachment", Some(Purpose::HealthcarePayment)),
    (Purpose::CoverageAuthorization, "COVAUTH", "coverage authorization", Some(Purpose::HealthcarePayment)),
    (
        Purpose::CoverageUnderPolicyOrProgram,
        "COVERAGE",
        "coverage under policy or program",
        Some(Purpose::HealthcarePayment),
    ),
    (
        Purpose::EligibilityDetermination,
        "ELIGDTRM",
        "eligibility determination",
        Some(Purpose::CoverageUnderPolicyOrProgram),
    ),
    (
        Purpose::EligibilityVerification,
        "ELIGVER",
        "eligibility verification",
        Some(Purpose::CoverageUnderPolicyOrProgram),
    ),
    (Purpose::Enrollment, "ENROLLM", "enrollment", Some(Purpose::CoverageUnderPolicyOrProgram)),
    (Purpose::MilitaryDischarge, "MILDCRG", "military discharge", Some(Purpose::CoverageUnderPolicyOrProgram)),
    (Purpose::RemittanceAdvice, "REMITADV", "remittance advice", Some(Purpose::HealthcarePayment)),
    (Purpose::HealthcareResearch, "HRESCH", "healthcare research", None),
    (Purpose::BiomedicalResearch, "BIORCH", "biomedical research", Some(Purpose::HealthcareResearch)),
    (Purpose::ClinicalTrialResearch, "CLINTRCH", "clinical trial research", Some(Purpose::HealthcareResearch)),
    (
        Purpose::ClinicalTrialResearchWithoutPatientCare,
        "CLINTRCHNPC",
        "clinical trial research without patient care",
        Some(Purpose::ClinicalTrialResearch),
    ),
    (
        Purpose::ClinicalTrialResearchWithPatientCare,
        "CLINTRCHPC",
        "clinical trial research with patient care",
        Some(Purpose::ClinicalTrialResearch),
    ),
    (
        Purpose::PreclinicalTrialResearch,
        "PRECLINTRCH",
        "preclinical trial research",
        Some(Purpose::ClinicalTrialResearch),
    ),
    (
        Purpose::DiseaseSpecificHealthcareResearch,
        "DSRCH",
        "disease specific healthcare research",
        Some(Purpose::HealthcareResearch),
    ),
    (
        Purpose::PopulationOriginsOrAncestryHealthcareResearch,
        "POARCH",
        "population origins or ancestry healthcare research",
        Some(Purpose::HealthcareResearch),
    ),
    (
        Purpose::TranslationalHealthcareResearch,
        "TRANSRCH",
        "translational healthcare research",
        Some(Purpose::HealthcareResearch),
    ),
    (Purpose::PatientRequested, "PATRQT", "patient requested", None),
    (Purpose::FamilyRequested, "FAMRQT", "family requested", Some(Purpose::PatientRequested)),
    (Purpose::PowerOfAttorney, "PWATRNY", "power of attorney", Some(Purpose::PatientRequested)),
    (Purpose::SupportNetwork, "SUPNWK", "support network", Some(Purpose::PatientRequested)),
    (Purpose::PublicHealth, "PUBHLTH", "public health", None),
    (Purpose::Disaster, "DISASTER", "disaster", Some(Purpose::PublicHealth)),
    (Purpose::Threat, "THREAT", "threat", Some(Purpose::PublicHealth)),
    (Purpose::Treatment, "TREAT", "treatment", None),
    (Purpose::ClinicalTrial, "CLINTRL", "clinical trial", Some(Purpose::Treatment)),
    (Purpose::CoordinationOfCare, "COC", "coordination of care", Some(Purpose::Treatment)),
    (Purpose::EmergencyTreatment, "ETREAT", "Emergency Treatment", Some(Purpose::Treatment)),
    (Purpose::BreakTheGlass, "BTG", "break the glass", Some(Purpose::EmergencyTreatment)),
    (Purpose::EmergencyRoomTreatment, "ERTREAT", "emergency room treatment", Some(Purpose::EmergencyTreatment)),
    (Purpose::PopulationHealth, "POPHLTH", "population health", Some(Purpose::Treatment)),
];

/// Every purpose in the byte order of its code: the order of the canonical encoding.
const BY_CODE: [Purpose; COUNT] = [
    Purpose::BiomedicalResearch,
    Purpose::BreakTheGlass,
    Purpose::CareManagement,
    Purpose::ClinicalTrialResearch,
    Purpose::ClinicalTrialResearchWithoutPatientCare,
    Purpose::ClinicalTrialResearchWithPatientCare,
    Purpose::ClinicalTrial,
    Purpose::ClaimAttachment,
    Purpose::CoordinationOfCare,
    Purpose::CoverageAuthorization,
    Purpose::CoverageUnderPolicyOrProgram,
    Purpose::Disaster,
    Purpose::Donation,
    Purpose::DiseaseSpecificHealthcareResearch,
    Purpose::EligibilityDetermination,
    Purpose::EligibilityVerification,
    Purpose::Enrollment,
    Purpose::EmergencyRoomTreatment,
    Purpose::EmergencyTreatment,
    Purpose::FamilyRequested,
    Purpose::Fraud,
    Purpose::Government,
    Purpose::HealthAccreditation,
    Purpose::HealthCompliance,
    Purpose::Decedent,
    Purpose::Directory,
    Purpose::HealthcareDeliveryManagement,
    Purpose::Legal,
    Purpose::HealthcareMarketing,
    Purpose::HealthcareOperations,
    Purpose::HealthOutcomeMeasure,
    Purpose::HealthcarePayment,
    Purpose::HealthProgramReporting,
    Purpose::HealthQualityImprovement,
    Purpose::HealthcareResearch,
    Purpose::HealthSystemAdministration,
    Purpose::TestHealthData,
    Purpose::Labeling,
    Purpose::MemberAdministration,
    Purpose::MetadataManagement,
    Purpose::MilitaryCommand,
    Purpose::MilitaryDischarge,
    Purpose::PatientAdministration,
    Purpose::PatientRequested,
    Purpose::PatientSafety,
    Purpose::PerformanceMeasure,
    Purpose::PopulationOriginsOrAncestryHealthcareResearch,
    Purpose::PopulationHealth,
    Purpose::PreclinicalTrialResearch,
    Purpose::PublicHealth,
    Purpose::PowerOfAttorney,
    Purpose::RecordsManagement,
    Purpose::RemittanceAdvice,
    Purpose::SupportNetwork,
    Purpose::SystemDevelopment,
    Purpose::Threat,
    Purpose::Training,
    Purpose::TranslationalHealthcareResearch,
    Purpose::Treatment,
];

/// For each purpose, the mask of itself and all its ancestors.
const LINEAGE: [u64; COUNT] = lineage_table();

// Evaluated at compile time: an index out of bounds is a build error, never a run-time panic.
#[allow(clippy::indexing_slicing)]
const fn lineage_table() -> [u64; COUNT] {
    let mut out = [0u64; COUNT];
    let mut i = 0;
    while i < COUNT {
        let mut mask = 1u64 << i;
        let mut cur = TABLE[i].3;
        while let Some(p) = cur {
            mask |= 1u64 << (p as u8);
            cur = TABLE[p as usize].3;
        }
        out[i] = mask;
        i += 1;
    }
    out
}

// Row i of the table is the purpose with discriminant i, and the mask fits in 64 bits.
#[allow(clippy::indexing_slicing)]
const _: () = {
    assert!(COUNT <= 64);
    let mut i = 0;
    while i < COUNT {
        assert!(TABLE[i].0 as usize == i);
        i += 1;
    }
};

impl Purpose {
    /// Every purpose, in the order of the code system.
    #[allow(clippy::indexing_slicing)] // compile-time evaluation
    pub const ALL: [Purpose; COUNT] = {
        let mut out = [Purpose::Treatment; COUNT];
        let mut i = 0;
        while i < COUNT {
            out[i] = TABLE[i].0;
            i += 1;
        }
        out
    };

    fn row(self) -> &'static (Purpose, &'static str, &'static str, Option<Purpose>) {
        // The discriminant indexes the table (checked at compile time above).
        match TABLE.get(self as usize) {
            Some(row) => row,
            None => &TABLE[0],
        }
    }

    /// The ActReason code (`"TREAT"`).
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// The display of the code system (`"treatment"`).
    pub fn display(self) -> &'static str {
        self.row().2
    }

    /// The purpose this one is a kind of, if any (`BTG` is a kind of `ETREAT`).
    pub fn parent(self) -> Option<Purpose> {
        self.row().3
    }

    /// The purpose with this ActReason code (case-sensitive, as the code system is).
    pub fn from_code(code: &str) -> Option<Purpose> {
        Some(match code {
            "HMARKT" => Purpose::HealthcareMarketing,
            "HOPERAT" => Purpose::HealthcareOperations,
            "CAREMGT" => Purpose::CareManagement,
            "DONAT" => Purpose::Donation,
            "FRAUD" => Purpose::Fraud,
            "GOV" => Purpose::Government,
            "HACCRED" => Purpose::HealthAccreditation,
            "HCOMPL" => Purpose::HealthCompliance,
            "HDECD" => Purpose::Decedent,
            "HDIRECT" => Purpose::Directory,
            "HDM" => Purpose::HealthcareDeliveryManagement,
            "HLEGAL" => Purpose::Legal,
            "HOUTCOMS" => Purpose::HealthOutcomeMeasure,
            "HPRGRP" => Purpose::HealthProgramReporting,
            "HQUALIMP" => Purpose::HealthQualityImprovement,
            "HSYSADMIN" => Purpose::HealthSystemAdministration,
            "LABELING" => Purpose::Labeling,
            "METAMGT" => Purpose::MetadataManagement,
            "MEMADMIN" => Purpose::MemberAdministration,
            "MILCDM" => Purpose::MilitaryCommand,
            "PATADMIN" => Purpose::PatientAdministration,
            "PATSFTY" => Purpose::PatientSafety,
            "PERFMSR" => Purpose::PerformanceMeasure,
            "RECORDMGT" => Purpose::RecordsManagement,
            "SYSDEV" => Purpose::SystemDevelopment,
            "HTEST" => Purpose::TestHealthData,
            "TRAIN" => Purpose::Training,
            "HPAYMT" => Purpose::HealthcarePayment,
            "CLMATTCH" => Purpose::ClaimAttachment,
            "COVAUTH" => Purpose::CoverageAuthorization,
            "COVERAGE" => Purpose::CoverageUnderPolicyOrProgram,
            "ELIGDTRM" => Purpose::EligibilityDetermination,
            "ELIGVER" => Purpose::EligibilityVerification,
            "ENROLLM" => Purpose::Enrollment,
            "MILDCRG" => Purpose::MilitaryDischarge,
            "REMITADV" => Purpose::RemittanceAdvice,
            "HRESCH" => Purpose::HealthcareResearch,
            "BIORCH" => Purpose::BiomedicalResearch,
            "CLINTRCH" => Purpose::ClinicalTrialResearch,
            "CLINTRCHNPC" => Purpose::ClinicalTrialResearchWithoutPatientCare,
            "CLINTRCHPC" => Purpose::ClinicalTrialResearchWithPatientCare,
            "PRECLINTRCH" => Purpose::PreclinicalTrialResearch,
            "DSRCH" => Purpose::DiseaseSpecificHealthcareResearch,
            "POARCH" => Purpose::PopulationOriginsOrAncestryHealthcareResearch,
            "TRANSRCH" => Purpose::TranslationalHealthcareResearch,
            "PATRQT" => Purpose::PatientRequested,
            "FAMRQT" => Purpose::FamilyRequested,
            "PWATRNY" => Purpose::PowerOfAttorney,
            "SUPNWK" => Purpose::SupportNetwork,
            "PUBHLTH" => Purpose::PublicHealth,
            "DISASTER" => Purpose::Disaster,
            "THREAT" => Purpose::Threat,
            "TREAT" => Purpose::Treatment,
            "CLINTRL" => Purpose::ClinicalTrial,
            "COC" => Purpose::CoordinationOfCare,
            "ETREAT" => Purpose::EmergencyTreatment,
            "BTG" => Purpose::BreakTheGlass,
            "ERTREAT" => Purpose::EmergencyRoomTreatment,
            "POPHLTH" => Purpose::PopulationHealth,
            _ => return None,
        })
    }

    /// Whether this purpose is `ancestor` or one of its kinds, at any depth.
    pub fn is_a(self, ancestor: Purpose) -> bool {
        self.lineage() & (1u64 << (ancestor as u8)) != 0
    }

    /// Whether this is an emergency purpose: `ETREAT` or one of its kinds (`BTG`, `ERTREAT`).
    /// Emergency access is break-the-glass access, see the [module docs](super).
    pub fn is_emergency(self) -> bool {
        self.is_a(Purpose::EmergencyTreatment)
    }

    /// The mask of this purpose and all its ancestors.
    pub(crate) fn lineage(self) -> u64 {
        LINEAGE.get(self as usize).copied().unwrap_or(0)
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A set of purposes (values of one attribute, OR'd). Iteration and the canonical encoding list
/// the codes in byte order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PurposeSet(u64);

impl PurposeSet {
    /// The empty set.
    pub const fn new() -> Self {
        Self(0)
    }

    /// Add a purpose.
    pub fn insert(&mut self, purpose: Purpose) {
        self.0 |= 1u64 << (purpose as u8);
    }

    /// Whether `purpose` itself is in the set.
    pub fn contains(&self, purpose: Purpose) -> bool {
        self.0 & (1u64 << (purpose as u8)) != 0
    }

    /// Whether the set grants `purpose`: it holds the purpose or one of its ancestors.
    pub fn covers(&self, purpose: Purpose) -> bool {
        self.0 & purpose.lineage() != 0
    }

    /// Whether the set covers a purpose whose lineage mask is `lineage` (the hot path of
    /// `decide`, with the mask computed once per request).
    pub(crate) fn covers_lineage(&self, lineage: u64) -> bool {
        self.0 & lineage != 0
    }

    /// The number of purposes.
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The purposes, in byte order of their codes.
    pub fn iter(&self) -> impl Iterator<Item = Purpose> + '_ {
        BY_CODE.iter().copied().filter(|p| self.contains(*p))
    }
}

impl FromIterator<Purpose> for PurposeSet {
    fn from_iter<I: IntoIterator<Item = Purpose>>(iter: I) -> Self {
        let mut set = Self::new();
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl<const N: usize> From<[Purpose; N]> for PurposeSet {
    fn from(purposes: [Purpose; N]) -> Self {
        purposes.into_iter().collect()
    }
}

impl fmt::Debug for PurposeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Purpose::code)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Purpose::*;

    #[test]
    fn the_hierarchy_of_the_issue() {
        assert!(EmergencyTreatment.is_a(Treatment));
        assert!(BreakTheGlass.is_a(Treatment));
        assert!(BreakTheGlass.is_a(EmergencyTreatment));
        assert!(!Treatment.is_a(EmergencyTreatment));
        assert!(Treatment.is_a(Treatment));
        let treat = PurposeSet::from([Treatment]);
        assert!(treat.covers(EmergencyTreatment) && treat.covers(BreakTheGlass) && treat.covers(Treatment));
        let emergency = PurposeSet::from([EmergencyTreatment]);
        assert!(!emergency.covers(Treatment));
        assert!(emergency.covers(BreakTheGlass));
        assert!(!PurposeSet::from([HealthcarePayment]).covers(Treatment));
    }

    #[test]
    fn required_codes_and_their_parents() {
        let expected = [
            ("TREAT", None),
            ("ETREAT", Some("TREAT")),
            ("BTG", Some("ETREAT")),
            ("ERTREAT", Some("ETREAT")),
            ("HPAYMT", None),
            ("HOPERAT", None),
            ("HRESCH", None),
            ("PUBHLTH", None),
            ("HMARKT", None),
            ("PATRQT", None),
            ("HTEST", Some("SYSDEV")),
            ("CLINTRCHPC", Some("CLINTRCH")),
        ];
        for (code, parent) in expected {
            let p = Purpose::from_code(code).unwrap();
            assert_eq!(p.code(), code);
            assert_eq!(p.parent().map(Purpose::code), parent, "{code}");
        }
        assert_eq!(Purpose::from_code("treat"), None);
        assert_eq!(Purpose::from_code("PurposeOfUse"), None);
    }

    #[test]
    fn codes_round_trip_and_sets_iterate_in_code_order() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_code(p.code()), Some(p));
            assert!(p.is_a(p));
        }
        let all: PurposeSet = Purpose::ALL.into_iter().collect();
        assert_eq!(all.len(), COUNT);
        let codes: Vec<&str> = all.iter().map(Purpose::code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
        assert!(Purpose::BreakTheGlass.is_emergency() && Purpose::EmergencyRoomTreatment.is_emergency());
        assert!(!Purpose::Treatment.is_emergency());
    }
}
