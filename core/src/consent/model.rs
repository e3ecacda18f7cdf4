//! The consent model: a patient's consent and its tree of provisions.
//!
//! A [`Consent`] is only ever built validated ([`Consent::new`], [`Consent::decode`], the FHIR
//! importer), so the decision engine can rely on its limits: at most [`MAX_DEPTH`] levels of
//! provisions, at most [`MAX_PROVISIONS`] provisions, at most [`MAX_VALUES`] values of one
//! attribute, no empty value lists, organisations and resource types sorted and unique.

use core::fmt;

use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::pseudonym::Pseudonym;
use crate::time::Timestamp;

use super::purpose::{Purpose, PurposeSet};

/// The deepest nesting of provisions: the root is level 1.
pub const MAX_DEPTH: usize = 16;
/// The most provisions in one consent, the root included.
pub const MAX_PROVISIONS: usize = 128;
/// The most values of one attribute of one provision (organisations, resource types).
pub const MAX_VALUES: usize = 32;

/// A consent's identifier: a FHIR resource id, 1 to 64 characters of `A-Z a-z 0-9 - .`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConsentId(String);

impl ConsentId {
    /// The longest identifier accepted (FHIR's limit for ids).
    pub const MAX_LEN: usize = 64;

    /// Validate and wrap a consent id.
    pub fn new(id: &str) -> Result<Self> {
        let ok = !id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok {
            return Err(Error::new(ErrorCode::InvalidValue, "consent id: 1 to 64 characters of A-Z a-z 0-9 - ."));
        }
        Ok(Self(id.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a provision decides for the requests it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Access is granted.
    Permit,
    /// Access is refused.
    Deny,
}

impl Effect {
    /// The other effect.
    pub fn opposite(self) -> Self {
        match self {
            Self::Permit => Self::Deny,
            Self::Deny => Self::Permit,
        }
    }

    /// `"permit"` or `"deny"`, as FHIR writes them.
    pub fn code(self) -> &'static str {
        match self {
            Self::Permit => "permit",
            Self::Deny => "deny",
        }
    }

    /// From FHIR's code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "permit" => Some(Self::Permit),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A half-open interval of time `[start, end)` in milliseconds since the Unix epoch (negative
/// before 1970: a data period may start in 1964); an absent bound is open. At least one bound
/// is present (an interval open on both sides is written as no period at all) and the interval
/// is not empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    start: Option<i64>,
    end: Option<i64>,
}

fn millis(t: Timestamp) -> i64 {
    i64::try_from(t.0).unwrap_or(i64::MAX)
}

impl Period {
    /// `[start, end)` in milliseconds since the epoch. Refused when both bounds are absent or
    /// `start` is not before `end`.
    pub fn from_millis(start: Option<i64>, end: Option<i64>) -> Result<Self> {
        match (start, end) {
            (None, None) => Err(Error::new(ErrorCode::ConsentInvalid, "period: a start, an end or both")),
            (Some(s), Some(e)) if s >= e => {
                Err(Error::new(ErrorCode::ConsentInvalid, "period: the start is not before the end"))
            }
            _ => Ok(Self { start, end }),
        }
    }

    /// `[start, end)`; see [`Period::from_millis`].
    pub fn new(start: Option<Timestamp>, end: Option<Timestamp>) -> Result<Self> {
        Self::from_millis(start.map(millis), end.map(millis))
    }

    /// From `start` (inclusive) on.
    pub fn from(start: Timestamp) -> Self {
        Self { start: Some(millis(start)), end: None }
    }

    /// Until `end` (exclusive).
    pub fn until(end: Timestamp) -> Self {
        Self { start: None, end: Some(millis(end)) }
    }

    /// `[start, end)`.
    pub fn between(start: Timestamp, end: Timestamp) -> Result<Self> {
        Self::new(Some(start), Some(end))
    }

    /// The inclusive start in milliseconds since the epoch, if bounded.
    pub fn start(&self) -> Option<i64> {
        self.start
    }

    /// The exclusive end in milliseconds since the epoch, if bounded.
    pub fn end(&self) -> Option<i64> {
        self.end
    }

    /// Whether `t` lies in the period.
    #[inline]
    pub fn contains(&self, t: Timestamp) -> bool {
        self.contains_millis(millis(t))
    }

    #[inline]
    pub(crate) fn contains_millis(&self, t: i64) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

/// Who a provision is about: the organisations that receive the data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grantee {
    /// Any member organisation of the network.
    AnyMember,
    /// These organisations (one or more; sorted and unique once in a [`Consent`]).
    Orgs(Vec<OrgId>),
}

impl Grantee {
    /// One organisation.
    pub fn org(org: OrgId) -> Self {
        Self::Orgs(vec![org])
    }

    /// Whether `org` is covered.
    #[inline]
    pub fn admits(&self, org: &OrgId) -> bool {
        match self {
            Self::AnyMember => true,
            Self::Orgs(orgs) => orgs.iter().any(|o| o == org),
        }
    }
}

/// An action of the FHIR consent action code system (`http://terminology.hl7.org/CodeSystem/consentaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Action {
    /// `access`: retrieval (view).
    Access = 0,
    /// `collect`: gathering retrieved information for storage.
    Collect = 1,
    /// `correct`: retrieval to update or rectify.
    Correct = 2,
    /// `disclose`: transfer of retrieved information.
    Disclose = 3,
    /// `use`: utilising retrieved information.
    Use = 4,
}

impl Action {
    /// Every action, in byte order of its code.
    pub const ALL: [Action; 5] = [Self::Access, Self::Collect, Self::Correct, Self::Disclose, Self::Use];

    /// The code system's code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Collect => "collect",
            Self::Correct => "correct",
            Self::Disclose => "disclose",
            Self::Use => "use",
        }
    }

    /// From the code system's code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether a network request (a member retrieving a record through the locator: `access`
    /// on the requester's side, `disclose` on the custodian's) is this action.
    pub fn is_network_access(self) -> bool {
        matches!(self, Self::Access | Self::Disclose)
    }
}

/// A set of actions (values of one attribute, OR'd).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ActionSet(u8);

impl ActionSet {
    const NETWORK_ACCESS: u8 = (1 << Action::Access as u8) | (1 << Action::Disclose as u8);

    /// The empty set.
    pub const fn new() -> Self {
        Self(0)
    }

    /// Add an action.
    pub fn insert(&mut self, action: Action) {
        self.0 |= 1 << action as u8;
    }

    /// Whether `action` is in the set.
    pub fn contains(&self, action: Action) -> bool {
        self.0 & (1 << action as u8) != 0
    }

    /// Whether a network request is one of these actions (see [`Action::is_network_access`]).
    #[inline]
    pub fn covers_network_access(&self) -> bool {
        self.0 & Self::NETWORK_ACCESS != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The actions, in byte order of their codes.
    pub fn iter(&self) -> impl Iterator<Item = Action> + '_ {
        Action::ALL.into_iter().filter(|a| self.contains(*a))
    }
}

impl FromIterator<Action> for ActionSet {
    fn from_iter<I: IntoIterator<Item = Action>>(iter: I) -> Self {
        let mut set = Self::new();
        for a in iter {
            set.insert(a);
        }
        set
    }
}

impl fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Action::code)).finish()
    }
}

/// A rule of a consent: its effect, the conditions under which it applies, and its exceptions.
///
/// Conditions are AND'd; the values of one condition are OR'd; an absent condition (`None`,
/// [`Grantee::AnyMember`]) places no constraint. See the [module docs](super) for the meaning of
/// nesting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Provision {
    /// Permit or deny.
    pub effect: Effect,
    /// The recipient organisations.
    pub grantee: Grantee,
    /// Purposes of use; a request's purpose matches when the set covers it (hierarchy).
    pub purposes: Option<PurposeSet>,
    /// Actions; a network request matches when the set holds `access` or `disclose`.
    pub actions: Option<ActionSet>,
    /// FHIR resource types (resource classes).
    pub classes: Option<Vec<ResourceType>>,
    /// When the data was recorded.
    pub data_period: Option<Period>,
    /// When the provision is in force (matched against `now`).
    pub validity: Option<Period>,
    /// Nested exceptions.
    pub provisions: Vec<Provision>,
}

impl Provision {
    /// A provision of this effect that applies to everything, with no exceptions.
    pub fn new(effect: Effect) -> Self {
        Self {
            effect,
            grantee: Grantee::AnyMember,
            purposes: None,
            actions: None,
            classes: None,
            data_period: None,
            validity: None,
            provisions: Vec::new(),
        }
    }

    /// `Provision::new(Effect::Permit)`.
    pub fn permit() -> Self {
        Self::new(Effect::Permit)
    }

    /// `Provision::new(Effect::Deny)`.
    pub fn deny() -> Self {
        Self::new(Effect::Deny)
    }

    /// With these grantee organisations.
    pub fn orgs(mut self, orgs: impl IntoIterator<Item = OrgId>) -> Self {
        self.grantee = Grantee::Orgs(orgs.into_iter().collect());
        self
    }

    /// With these purposes.
    pub fn purposes(mut self, purposes: impl IntoIterator<Item = Purpose>) -> Self {
        self.purposes = Some(purposes.into_iter().collect());
        self
    }

    /// With these actions.
    pub fn actions(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        self.actions = Some(actions.into_iter().collect());
        self
    }

    /// With these resource types.
    pub fn classes(mut self, classes: impl IntoIterator<Item = ResourceType>) -> Self {
        self.classes = Some(classes.into_iter().collect());
        self
    }

    /// With this data period.
    pub fn data_period(mut self, period: Period) -> Self {
        self.data_period = Some(period);
        self
    }

    /// With this validity period.
    pub fn validity(mut self, period: Period) -> Self {
        self.validity = Some(period);
        self
    }

    /// With one more nested exception.
    pub fn except(mut self, child: Provision) -> Self {
        self.provisions.push(child);
        self
    }

    /// Whether the provision constrains which requests it applies to (any condition other
    /// than its validity period). A root that does not is the consent's base decision.
    pub fn is_targeted(&self) -> bool {
        !matches!(self.grantee, Grantee::AnyMember)
            || self.purposes.is_some()
            || self.actions.is_some()
            || self.classes.is_some()
            || self.data_period.is_some()
    }

    /// Sort and deduplicate the value lists, and check the limits.
    fn normalize(&mut self, depth: usize, count: &mut usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                ErrorCode::TooDeep,
                format!("consent: provisions nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        *count += 1;
        if *count > MAX_PROVISIONS {
            return Err(Error::new(ErrorCode::TooLarge, format!("consent: more than {MAX_PROVISIONS} provisions")));
        }
        if let Grantee::Orgs(orgs) = &mut self.grantee {
            sort_values(orgs, "grantee")?;
        }
        if let Some(classes) = &mut self.classes {
            sort_values(classes, "resource classes")?;
        }
        if self.purposes.is_some_and(|p| p.is_empty()) {
            return Err(Error::new(ErrorCode::ConsentInvalid, "provision: an empty set of purposes"));
        }
        if self.actions.is_some_and(|a| a.is_empty()) {
            return Err(Error::new(ErrorCode::ConsentInvalid, "provision: an empty set of actions"));
        }
        for child in &mut self.provisions {
            child.normalize(depth + 1, count)?;
        }
        Ok(())
    }
}

fn sort_values<T: Ord>(values: &mut Vec<T>, what: &str) -> Result<()> {
    if values.is_empty() {
        return Err(Error::new(ErrorCode::ConsentInvalid, format!("provision: an empty list of {what}")));
    }
    if values.len() > MAX_VALUES {
        return Err(Error::new(ErrorCode::TooLarge, format!("provision: more than {MAX_VALUES} {what}")));
    }
    values.sort_unstable();
    values.dedup();
    Ok(())
}

/// Whether a consent is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentStatus {
    /// In force (within its validity period).
    Active,
    /// Revoked: out of force from `at` on; decisions about earlier instants still see it.
    Revoked {
        /// The instant of revocation.
        at: Timestamp,
    },
}

/// A patient's consent: an id, the patient's pseudonym, its status and its root provision.
///
/// The consent's validity period is its root provision's [`Provision::validity`] (FHIR R4's
/// root `Consent.provision.period`, R5's `Consent.period`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Consent {
    id: ConsentId,
    patient: Pseudonym,
    status: ConsentStatus,
    root: Provision,
}

impl Consent {
    /// An active consent. The root is validated against the limits and its value lists are
    /// sorted and deduplicated.
    pub fn new(id: ConsentId, patient: Pseudonym, root: Provision) -> Result<Self> {
        Self::with_status(id, patient, ConsentStatus::Active, root)
    }

    /// A consent with an explicit status.
    pub fn with_status(id: ConsentId, patient: Pseudonym, status: ConsentStatus, mut root: Provision) -> Result<Self> {
        let mut count = 0;
        root.normalize(1, &mut count)?;
        Ok(Self { id, patient, status, root })
    }

    /// The id.
    pub fn id(&self) -> &ConsentId {
        &self.id
    }

    /// The patient's pseudonym.
    pub fn patient(&self) -> &Pseudonym {
        &self.patient
    }

    /// The status.
    pub fn status(&self) -> ConsentStatus {
        self.status
    }

    /// The root provision.
    pub fn root(&self) -> &Provision {
        &self.root
    }

    /// Revoke at `at`. A consent is revoked once: revoking it again fails with
    /// [`ErrorCode::ConsentAlreadyRevoked`].
    pub fn revoke(&mut self, at: Timestamp) -> Result<()> {
        match self.status {
            ConsentStatus::Active => {
                self.status = ConsentStatus::Revoked { at };
                Ok(())
            }
            ConsentStatus::Revoked { .. } => {
                Err(Error::new(ErrorCode::ConsentAlreadyRevoked, "consent is already revoked"))
            }
        }
    }

    /// Whether the consent is in force at `now`: not revoked at or before `now`, and `now` in
    /// the root's validity period.
    #[inline]
    pub fn is_in_force(&self, now: Timestamp) -> bool {
        let not_revoked = match self.status {
            ConsentStatus::Active => true,
            ConsentStatus::Revoked { at } => now < at,
        };
        not_revoked && self.root.validity.is_none_or(|v| v.contains(now))
    }

    /// The number of provisions, the root included.
    pub fn provision_count(&self) -> usize {
        fn count(p: &Provision) -> usize {
            1 + p.provisions.iter().map(count).sum::<usize>()
        }
        count(&self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(s: &str) -> OrgId {
        OrgId::new(s).unwrap()
    }

    #[test]
    fn consent_ids() {
        assert!(ConsentId::new("consent-example-Out").is_ok());
        assert!(ConsentId::new("a.1-B").is_ok());
        for bad in ["", "a b", "a/b", "é", &"a".repeat(65)] {
            assert_eq!(ConsentId::new(bad).unwrap_err().code(), ErrorCode::InvalidValue);
        }
    }

    #[test]
    fn periods_are_half_open() {
        let p = Period::between(Timestamp(10), Timestamp(20)).unwrap();
        assert!(!p.contains(Timestamp(9)) && p.contains(Timestamp(10)) && p.contains(Timestamp(19)));
        assert!(!p.contains(Timestamp(20)));
        assert!(Period::from(Timestamp(5)).contains(Timestamp(u64::MAX)));
        assert!(!Period::until(Timestamp(5)).contains(Timestamp(5)));
        assert_eq!(Period::new(None, None).unwrap_err().code(), ErrorCode::ConsentInvalid);
        assert_eq!(Period::between(Timestamp(2), Timestamp(1)).unwrap_err().code(), ErrorCode::ConsentInvalid);
        assert_eq!(Period::between(Timestamp(3), Timestamp(3)).unwrap_err().code(), ErrorCode::ConsentInvalid);
        let before_1970 = Period::from_millis(Some(-100), Some(-10)).unwrap();
        assert!(!before_1970.contains(Timestamp(0)));
        assert!(Period::from_millis(Some(-100), None).unwrap().contains(Timestamp(0)));
    }

    #[test]
    fn new_sorts_and_checks_limits() {
        let root = Provision::permit().orgs([org("b"), org("a"), org("b")]);
        let c = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), root).unwrap();
        assert_eq!(c.root().grantee, Grantee::Orgs(vec![org("a"), org("b")]));

        let empty = Provision::permit().orgs([]);
        let e = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), empty).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConsentInvalid);

        let mut deep = Provision::deny();
        for _ in 0..MAX_DEPTH {
            deep = Provision::permit().except(deep);
        }
        let e = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), deep).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooDeep);

        let mut wide = Provision::permit();
        for _ in 0..MAX_PROVISIONS {
            wide = wide.except(Provision::deny());
        }
        let e = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), wide).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);

        let many = Provision::permit().orgs((0..=MAX_VALUES).map(|i| org(&format!("o{i}"))));
        let e = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), many).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn revocation() {
        let mut c = Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), Provision::permit()).unwrap();
        c.revoke(Timestamp(100)).unwrap();
        assert!(c.is_in_force(Timestamp(99)));
        assert!(!c.is_in_force(Timestamp(100)));
        assert_eq!(c.revoke(Timestamp(200)).unwrap_err().code(), ErrorCode::ConsentAlreadyRevoked);
        assert_eq!(c.status(), ConsentStatus::Revoked { at: Timestamp(100) });
    }

    #[test]
    fn targeted() {
        assert!(!Provision::deny().validity(Period::from(Timestamp(1))).is_targeted());
        assert!(Provision::deny().classes([ResourceType::new("Observation").unwrap()]).is_targeted());
        assert!(Provision::deny().actions([Action::Access]).is_targeted());
    }
}
