//! FHIR Consent JSON (R4 or R5) into the consent model.
//!
//! Input is hostile: it is parsed by the strict parser of [`crate::canonical`] (duplicate keys
//! and lone surrogates refused, at most [`MAX_FHIR_JSON_LEN`] bytes and 64 levels of JSON),
//! provisions are counted and their depth checked as they are read, and every element is
//! either mapped, accepted as description (listed below), or refused:
//!
//! * [`ErrorCode::ConsentUnsupportedElement`] for an element the model cannot represent,
//!   naming its path (`Consent.provision.provision[1].securityLabel`);
//! * [`ErrorCode::ConsentInvalid`] for an element that breaks FHIR's rules or the rules of the
//!   [module docs](super) (a malformed date, a nested R4 provision without a type).
//!
//! Error details name elements and positions, never values.
//!
//! Mapped: `id`, `status` (only `active`), `patient` (R4) / `subject` (R5), `provision` with
//! `type` (R4), `period`, `actor` (role `PRCP` or none, reference `Organization/<member id>`),
//! `action` (consentaction codes), `purpose` (ActReason purposes of use), `class` (R4) /
//! `resourceType` (R5) in the resource-types or fhir-types system, `dataPeriod`, nested
//! `provision`; `policyRule` OPTIN/OPTOUT (R4, when the root has no type); `decision` and
//! `period` (R5); `scope` (R4, must be `patient-privacy`).
//!
//! Accepted as description, not carried: `meta`, `language`, `text`, `extension` (not
//! modifier), `identifier`, `category`, `dateTime`/`date`, `performer`/`grantor`,
//! `organization`/`controller`/`manager`, `sourceAttachment`, `sourceReference`,
//! `verification`, `policyRule` (R4, when the root has a type), `regulatoryBasis` (R5), and
//! within elements `id`, `display`, `text`, `version`, `userSelected`. They record who wrote
//! down what and where; they change no decision.

use crate::canonical::{self, Limits, Value};
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::pseudonym::Pseudonym;

use super::fhir_codes::*;
use super::fhir_time;
use super::model::{
    Action, ActionSet, Consent, ConsentId, Effect, Grantee, MAX_DEPTH, MAX_PROVISIONS, MAX_VALUES, Period, Provision,
};
use super::purpose::{ACT_REASON_SYSTEM, Purpose, PurposeSet};

/// The largest FHIR Consent JSON accepted.
pub const MAX_FHIR_JSON_LEN: usize = 1 << 20;

const R4_DESCRIPTIVE: &[&str] = &[
    "meta",
    "language",
    "text",
    "extension",
    "identifier",
    "category",
    "dateTime",
    "performer",
    "organization",
    "sourceAttachment",
    "sourceReference",
    "verification",
];

const R5_DESCRIPTIVE: &[&str] = &[
    "meta",
    "language",
    "text",
    "extension",
    "identifier",
    "category",
    "date",
    "grantor",
    "manager",
    "controller",
    "sourceAttachment",
    "sourceReference",
    "regulatoryBasis",
    "verification",
];

fn unsupported(path: &str, why: &str) -> Error {
    Error::new(ErrorCode::ConsentUnsupportedElement, format!("{path}: {why}"))
}

fn invalid(path: &str, why: &str) -> Error {
    Error::new(ErrorCode::ConsentInvalid, format!("{path}: {why}"))
}

/// A key as it may appear in an error: FHIR element names are letters and digits starting
/// with a lower-case letter (`_` first for a primitive's extensions). Anything else is not
/// echoed, since a hostile producer could put any text in a key.
fn name(key: &str) -> &str {
    let b = key.strip_prefix('_').unwrap_or(key).as_bytes();
    let ok = b.first().is_some_and(u8::is_ascii_lowercase) && b.len() <= 64 && b.iter().all(u8::is_ascii_alphanumeric);
    if ok { key } else { "(an element with an invalid name)" }
}

fn members<'a>(v: &'a Value, path: &str) -> Result<&'a [(String, Value)]> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(invalid(path, "expected an object")),
    }
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a [Value]> {
    match v {
        Value::Array(a) if !a.is_empty() => Ok(a),
        Value::Array(_) => Err(invalid(path, "an empty array (FHIR leaves empty elements out)")),
        _ => Err(invalid(path, "expected an array")),
    }
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(invalid(path, "expected a string")),
    }
}

/// Whether `key` (or the primitive extension `_key`) is in `list`.
fn listed(key: &str, list: &[&str]) -> bool {
    list.contains(&key.strip_prefix('_').unwrap_or(key))
}

/// A Coding: (system, code).
fn coding<'a>(v: &'a Value, path: &str) -> Result<(&'a str, &'a str)> {
    let (mut system, mut code) = (None, None);
    for (k, x) in members(v, path)? {
        match k.as_str() {
            "system" => system = Some(string(x, &format!("{path}.system"))?),
            "code" => code = Some(string(x, &format!("{path}.code"))?),
            "display" | "version" | "userSelected" | "id" => {}
            _ => return Err(unsupported(&format!("{path}.{}", name(k)), "not supported in a coding")),
        }
    }
    match (system, code) {
        (Some(s), Some(c)) => Ok((s, c)),
        (None, _) => Err(unsupported(&format!("{path}.system"), "a coding without a system cannot be interpreted")),
        (_, None) => Err(unsupported(&format!("{path}.code"), "a coding without a code cannot be interpreted")),
    }
}

/// The codings of a CodeableConcept; `text` alone is refused (it cannot be interpreted).
fn concept<'a>(v: &'a Value, path: &str) -> Result<Vec<(&'a str, &'a str)>> {
    let mut out = Vec::new();
    for (k, x) in members(v, path)? {
        match k.as_str() {
            "coding" => {
                let here = format!("{path}.coding");
                for (i, c) in array(x, &here)?.iter().enumerate() {
                    out.push(coding(c, &format!("{here}[{i}]"))?);
                }
            }
            "text" | "id" => {}
            _ => return Err(unsupported(&format!("{path}.{}", name(k)), "not supported in a concept")),
        }
    }
    if out.is_empty() {
        return Err(unsupported(path, "a concept without codings cannot be interpreted"));
    }
    Ok(out)
}

/// The one value that every coding of a concept maps to.
fn concept_value<T: PartialEq + Copy>(
    v: &Value,
    path: &str,
    map: impl Fn(&str, &str) -> Option<T>,
    why: &str,
) -> Result<T> {
    let mut value = None;
    for (system, code) in concept(v, path)? {
        let mapped = map(system, code).ok_or_else(|| unsupported(path, why))?;
        if value.is_some_and(|prev| prev != mapped) {
            return Err(invalid(path, "codings that disagree"));
        }
        value = Some(mapped);
    }
    value.ok_or_else(|| unsupported(path, why))
}

fn period(v: &Value, path: &str) -> Result<Period> {
    let (mut start, mut end) = (None, None);
    for (k, x) in members(v, path)? {
        let here = format!("{path}.{}", name(k));
        let bounds =
            |x: &Value| fhir_time::bounds(string(x, &here)?).map_err(|_| invalid(&here, "a malformed dateTime"));
        match k.as_str() {
            "start" => start = Some(bounds(x)?.0),
            "end" => end = Some(bounds(x)?.1),
            "id" => {}
            _ => return Err(unsupported(&here, "not supported in a period")),
        }
    }
    Period::from_millis(start, end)
        .map_err(|_| invalid(path, "a period needs a start or an end, and its start may not follow its end"))
}

fn org_reference(v: &Value, path: &str) -> Result<OrgId> {
    let mut org = None;
    for (k, x) in members(v, path)? {
        let here = format!("{path}.{}", name(k));
        match k.as_str() {
            "reference" => {
                let text = string(x, &here)?;
                let id = text.strip_prefix("Organization/").and_then(|id| OrgId::new(id).ok()).ok_or_else(|| {
                    unsupported(&here, "only a reference Organization/<member id> names a network member")
                })?;
                org = Some(id);
            }
            "type" if matches!(x, Value::String(t) if t == "Organization") => {}
            "display" | "id" => {}
            _ => return Err(unsupported(&here, "only a reference Organization/<member id> names a network member")),
        }
    }
    org.ok_or_else(|| unsupported(path, "only a reference Organization/<member id> names a network member"))
}

fn actors(v: &Value, path: &str) -> Result<Grantee> {
    let items = array(v, path)?;
    if items.len() > MAX_VALUES {
        return Err(Error::new(ErrorCode::TooLarge, format!("{path}: more than {MAX_VALUES} actors")));
    }
    let mut orgs = Vec::with_capacity(items.len());
    for (i, actor) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let mut org = None;
        for (k, x) in members(actor, &here)? {
            let at = format!("{here}.{}", name(k));
            match k.as_str() {
                "role" => concept_value(
                    x,
                    &at,
                    |s, c| (s == PARTICIPATION_TYPE && c == RECIPIENT_ROLE).then_some(()),
                    "only the recipient role PRCP is represented (the model's grantee)",
                )?,
                "reference" => org = Some(org_reference(x, &at)?),
                "id" => {}
                _ => return Err(unsupported(&at, "not supported in an actor")),
            }
        }
        orgs.push(org.ok_or_else(|| unsupported(&here, "an actor without a reference names no member organisation"))?);
    }
    Ok(Grantee::Orgs(orgs))
}

fn purposes(v: &Value, path: &str) -> Result<PurposeSet> {
    let mut set = PurposeSet::new();
    for (i, c) in array(v, path)?.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let (system, code) = coding(c, &here)?;
        let purpose = (system == ACT_REASON_SYSTEM)
            .then(|| Purpose::from_code(code))
            .flatten()
            .ok_or_else(|| unsupported(&here, "only v3 ActReason purposes of use are represented"))?;
        set.insert(purpose);
    }
    Ok(set)
}

fn actions(v: &Value, path: &str) -> Result<ActionSet> {
    let mut set = ActionSet::new();
    for (i, c) in array(v, path)?.iter().enumerate() {
        set.insert(concept_value(
            c,
            &format!("{path}[{i}]"),
            |s, code| (s == CONSENT_ACTION).then(|| Action::from_code(code)).flatten(),
            "only consentaction codes are represented",
        )?);
    }
    Ok(set)
}

fn classes(v: &Value, path: &str) -> Result<Vec<ResourceType>> {
    let items = array(v, path)?;
    if items.len() > MAX_VALUES {
        return Err(Error::new(ErrorCode::TooLarge, format!("{path}: more than {MAX_VALUES} classes")));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, c) in items.iter().enumerate() {
        let here = format!("{path}[{i}]");
        let (system, code) = coding(c, &here)?;
        if system != RESOURCE_TYPES && system != FHIR_TYPES {
            return Err(unsupported(&here, "only FHIR resource types are represented as classes"));
        }
        out.push(ResourceType::new(code).map_err(|_| invalid(&here, "not a FHIR resource type name"))?);
    }
    Ok(out)
}

/// What a provision's effect is when it has no `type`.
#[derive(Clone, Copy)]
enum Untyped {
    /// An R4 nested provision: `type` is required.
    Nested,
    /// The R4 root: the base decision of `policyRule`, if it gives one.
    Root(Option<Effect>),
    /// An R5 provision: the opposite of its parent.
    Inherit(Effect),
}

struct Reader {
    r5: bool,
    count: usize,
}

impl Reader {
    fn provision(&mut self, v: &Value, path: &str, depth: usize, untyped: Untyped) -> Result<Provision> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                ErrorCode::TooDeep,
                format!("{path}: provisions nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count += 1;
        if self.count > MAX_PROVISIONS {
            return Err(Error::new(ErrorCode::TooLarge, format!("{path}: more than {MAX_PROVISIONS} provisions")));
        }
        let mut p = Provision::deny();
        let mut typed = None;
        let mut children: &[Value] = &[];
        for (k, x) in members(v, path)? {
            let here = format!("{path}.{}", name(k));
            match (k.as_str(), self.r5) {
                ("type", false) => {
                    typed = Some(Effect::from_code(string(x, &here)?).ok_or_else(|| invalid(&here, "permit or deny"))?);
                }
                ("period", _) => p.validity = Some(period(x, &here)?),
                ("dataPeriod", _) => p.data_period = Some(period(x, &here)?),
                ("actor", _) => p.grantee = actors(x, &here)?,
                ("action", _) => p.actions = Some(actions(x, &here)?),
                ("purpose", _) => p.purposes = Some(purposes(x, &here)?),
                ("class", false) | ("resourceType", true) => p.classes = Some(classes(x, &here)?),
                ("provision", _) => children = array(x, &here)?,
                ("id", _) => {}
                ("securityLabel", _) => return Err(unsupported(&here, "security labels are not represented")),
                ("code", _) => return Err(unsupported(&here, "content codes are not represented")),
                ("data", _) => return Err(unsupported(&here, "references to specific resources are not represented")),
                _ => return Err(unsupported(&here, "not represented in the consent model")),
            }
        }
        p.effect = match (typed, untyped) {
            (Some(e), _) | (None, Untyped::Root(Some(e)) | Untyped::Inherit(e)) => e,
            (None, Untyped::Nested) => {
                return Err(invalid(
                    &format!("{path}.type"),
                    "required in a nested provision (R4); an exception without a type is ambiguous",
                ));
            }
            (None, Untyped::Root(None)) => {
                return Err(invalid(
                    &format!("{path}.type"),
                    "the root provision has no type and Consent.policyRule is neither OPTIN nor OPTOUT",
                ));
            }
        };
        let child_untyped = if self.r5 { Untyped::Inherit(p.effect.opposite()) } else { Untyped::Nested };
        for (i, child) in children.iter().enumerate() {
            p.provisions.push(self.provision(child, &format!("{path}.provision[{i}]"), depth + 1, child_untyped)?);
        }
        Ok(p)
    }
}

fn check_status(v: &Value, path: &str) -> Result<()> {
    match string(v, path)? {
        "active" => Ok(()),
        _ => Err(unsupported(
            path,
            "only an active consent is imported (a revocation is recorded on the ledger, with its time)",
        )),
    }
}

fn check_patient(v: &Value, path: &str, patient: &Pseudonym) -> Result<()> {
    for (k, x) in members(v, path)? {
        let here = format!("{path}.{}", name(k));
        match k.as_str() {
            "identifier" => {
                let mut system = None;
                let mut value = None;
                for (ik, iv) in members(x, &here)? {
                    match ik.as_str() {
                        "system" => system = Some(string(iv, &format!("{here}.system"))?),
                        "value" => value = Some(string(iv, &format!("{here}.value"))?),
                        _ => {}
                    }
                }
                if system == Some(PSEUDONYM_SYSTEM) {
                    let ok = value.and_then(|t| Pseudonym::from_text(t).ok()).is_some_and(|p| &p == patient);
                    if !ok {
                        return Err(invalid(&here, "names another pseudonym than the patient's"));
                    }
                }
            }
            "type" if !matches!(x, Value::String(t) if t == "Patient") => {
                return Err(unsupported(&here, "only a consent about a patient is represented"));
            }
            "reference" => {
                let text = string(x, &here)?;
                let resource = text.split('/').next().unwrap_or("");
                let relative_non_patient = text.contains('/')
                    && !text.contains(':')
                    && resource.starts_with(|c: char| c.is_ascii_uppercase())
                    && resource != "Patient";
                if relative_non_patient {
                    return Err(unsupported(&here, "only a consent about a patient is represented"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_scope(v: &Value, path: &str) -> Result<()> {
    concept_value(
        v,
        path,
        |s, c| (s == CONSENT_SCOPE && c == PRIVACY_SCOPE).then_some(()),
        "only privacy consents (patient-privacy) are represented",
    )
}

/// The base decision an R4 `policyRule` gives: OPTIN permits, OPTOUT denies.
fn policy_rule_effect(v: &Value, path: &str) -> Option<Effect> {
    let map = |s: &str, c: &str| match (s, c) {
        (ACT_CODE, OPT_IN) => Some(Effect::Permit),
        (ACT_CODE, OPT_OUT) => Some(Effect::Deny),
        _ => None,
    };
    concept_value(v, path, map, "").ok()
}

/// Import a FHIR Consent of `version` for the patient whose pseudonym is `patient` (the host
/// resolves its own patient reference to the pseudonym; see the module docs).
pub fn import(json: &[u8], version: FhirVersion, patient: Pseudonym) -> Result<Consent> {
    let tree = canonical::parse(json, Limits { max_bytes: MAX_FHIR_JSON_LEN, max_depth: 64 })?;
    let top = members(&tree, "Consent")?;
    let r5 = version == FhirVersion::R5;
    let (descriptive, subject) = if r5 { (R5_DESCRIPTIVE, "subject") } else { (R4_DESCRIPTIVE, "patient") };
    let mut id = None;
    let mut status = false;
    let mut patient_seen = false;
    let mut provision = None;
    let mut policy = None;
    let mut decision = None;
    let mut validity = None;
    for (k, x) in top {
        let path = format!("Consent.{}", name(k));
        match k.as_str() {
            "resourceType" => {
                if string(x, &path)? != "Consent" {
                    return Err(invalid(&path, "not a Consent"));
                }
            }
            "id" => id = Some(ConsentId::new(string(x, &path)?).map_err(|_| invalid(&path, "not a FHIR id"))?),
            "status" => {
                check_status(x, &path)?;
                status = true;
            }
            key if key == subject => {
                check_patient(x, &path, &patient)?;
                patient_seen = true;
            }
            "provision" => provision = Some(x),
            "scope" if !r5 => check_scope(x, &path)?,
            "policyRule" if !r5 => policy = Some(x),
            "decision" if r5 => {
                decision = Some(Effect::from_code(string(x, &path)?).ok_or_else(|| invalid(&path, "permit or deny"))?);
            }
            "period" if r5 => validity = Some(period(x, &path)?),
            key if listed(key, descriptive) => {}
            "grantee" => return Err(unsupported(&path, "grantees are named by provision.actor in this model")),
            "policy" | "policyBasis" | "policyText" => {
                return Err(unsupported(&path, "references to computable policies are not represented"));
            }
            "modifierExtension" | "implicitRules" => {
                return Err(unsupported(&path, "modifiers that the model does not know change the meaning"));
            }
            _ => return Err(unsupported(&path, "not represented in the consent model")),
        }
    }
    let id = id.ok_or_else(|| invalid("Consent.id", "required: the consent's id on the network"))?;
    if !status {
        return Err(invalid("Consent.status", "required"));
    }
    if !patient_seen {
        return Err(invalid(&format!("Consent.{subject}"), "required: a privacy consent is about a patient"));
    }
    let mut reader = Reader { r5, count: 0 };
    let root = if r5 {
        let decision = decision.ok_or_else(|| invalid("Consent.decision", "required: the base decision"))?;
        // The root is the Consent itself: its decision and period; its provisions are level 2.
        reader.count = 1;
        let mut root = Provision::new(decision);
        root.validity = validity;
        let children = match provision {
            Some(v) => array(v, "Consent.provision")?,
            None => &[],
        };
        for (i, child) in children.iter().enumerate() {
            let path = format!("Consent.provision[{i}]");
            root.provisions.push(reader.provision(child, &path, 2, Untyped::Inherit(decision.opposite()))?);
        }
        root
    } else {
        let base = policy.and_then(|p| policy_rule_effect(p, "Consent.policyRule"));
        match provision {
            Some(v) => reader.provision(v, "Consent.provision", 1, Untyped::Root(base))?,
            None => Provision::new(base.ok_or_else(|| {
                invalid("Consent.provision", "absent, and Consent.policyRule is neither OPTIN nor OPTOUT")
            })?),
        }
    };
    Consent::new(id, patient, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Pseudonym = Pseudonym([1; 32]);

    fn r4(provision: &str, extra: &str) -> String {
        format!(
            r#"{{"resourceType":"Consent","id":"c","status":"active","patient":{{"reference":"Patient/1"}},
            "policyRule":{{"coding":[{{"system":"{ACT_CODE}","code":"OPTIN"}}]}}{extra},"provision":{provision}}}"#
        )
    }

    fn err(json: &str, version: FhirVersion) -> Error {
        import(json.as_bytes(), version, P).unwrap_err()
    }

    #[test]
    fn r4_minimal_and_typed_root() {
        let c = import(r4("{}", "").as_bytes(), FhirVersion::R4, P).unwrap();
        assert_eq!(c.root(), &Provision::permit());
        let c = import(r4(r#"{"type":"deny"}"#, "").as_bytes(), FhirVersion::R4, P).unwrap();
        assert_eq!(c.root().effect, Effect::Deny);
        let e = err(&r4(r#"{"provision":[{"period":{"start":"2020"}}]}"#, ""), FhirVersion::R4);
        assert_eq!(
            (e.code(), e.detail().split(':').next()),
            (ErrorCode::ConsentInvalid, Some("Consent.provision.provision[0].type"))
        );
    }

    #[test]
    fn refused_elements() {
        let cases = [
            (r4("{}", r#","modifierExtension":[{"url":"x"}]"#), "Consent.modifierExtension"),
            (r4("{}", r#","policy":[{"uri":"x"}]"#), "Consent.policy"),
            (
                r4(
                    "{}",
                    r#","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]}"#,
                ),
                "Consent.scope",
            ),
            (r4(r#"{"expression":{}}"#, ""), "Consent.provision.expression"),
            (r4(r#"{"code":[{"text":"x"}]}"#, ""), "Consent.provision.code"),
            (
                r4(
                    r#"{"purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HTEST2"}]}"#,
                    "",
                ),
                "Consent.provision.purpose[0]",
            ),
            (r4(r#"{"purpose":[{"code":"TREAT"}]}"#, ""), "Consent.provision.purpose[0].system"),
            (r4(r#"{"class":[{"system":"urn:ietf:bcp:13","code":"text/plain"}]}"#, ""), "Consent.provision.class[0]"),
            (r4(r#"{"action":[{"text":"read"}]}"#, ""), "Consent.provision.action[0]"),
            (
                r4(r#"{"actor":[{"reference":{"identifier":{"value":"x"}}}]}"#, ""),
                "Consent.provision.actor[0].reference.identifier",
            ),
            (
                r4(
                    r#"{"actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]}}]}"#,
                    "",
                ),
                "Consent.provision.actor[0]",
            ),
            (r4(r#"{"extension":[{"url":"x"}]}"#, ""), "Consent.provision.extension"),
        ];
        for (json, element) in cases {
            let e = err(&json, FhirVersion::R4);
            assert_eq!(e.code(), ErrorCode::ConsentUnsupportedElement, "{e}");
            assert_eq!(e.detail().split(':').next(), Some(element), "{e}");
        }
        let inactive = r4("{}", "").replace(r#""status":"active""#, r#""status":"inactive""#);
        assert_eq!(err(&inactive, FhirVersion::R4).code(), ErrorCode::ConsentUnsupportedElement);
    }

    #[test]
    fn invalid_input() {
        let no_id = r4("{}", "").replace(r#""id":"c","#, "");
        assert_eq!(err(&no_id, FhirVersion::R4).code(), ErrorCode::ConsentInvalid);
        let bad_date = r4(r#"{"period":{"start":"2020-13"}}"#, "");
        assert_eq!(err(&bad_date, FhirVersion::R4).detail(), "Consent.provision.period.start: a malformed dateTime");
        let reversed = r4(r#"{"period":{"start":"2021","end":"2020"}}"#, "");
        assert_eq!(err(&reversed, FhirVersion::R4).code(), ErrorCode::ConsentInvalid);
        let empty = r4(r#"{"actor":[]}"#, "");
        assert_eq!(err(&empty, FhirVersion::R4).code(), ErrorCode::ConsentInvalid);
        let dup = r4("{}", r#","id":"d""#);
        assert_eq!(err(&dup, FhirVersion::R4).code(), ErrorCode::DuplicateKey);
        assert_eq!(err("[]", FhirVersion::R4).code(), ErrorCode::ConsentInvalid);
        assert_eq!(err(r#"{"resourceType":"Patient"}"#, FhirVersion::R4).code(), ErrorCode::ConsentInvalid);
        let r5_no_decision =
            r#"{"resourceType":"Consent","id":"c","status":"active","subject":{"reference":"Patient/1"}}"#;
        assert_eq!(err(r5_no_decision, FhirVersion::R5).detail().split(':').next(), Some("Consent.decision"));
        let group = r5_no_decision.replace("Patient/1", "Group/1");
        assert_eq!(err(&group, FhirVersion::R5).code(), ErrorCode::ConsentUnsupportedElement);
    }

    #[test]
    fn patient_pseudonym_must_match() {
        let ours = r4("{}", "").replace(
            r#""patient":{"reference":"Patient/1"}"#,
            &format!(r#""patient":{{"identifier":{{"system":"{PSEUDONYM_SYSTEM}","value":"{}"}}}}"#, P.to_text()),
        );
        assert!(import(ours.as_bytes(), FhirVersion::R4, P).is_ok());
        let e = import(ours.as_bytes(), FhirVersion::R4, Pseudonym([2; 32])).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConsentInvalid);
        assert!(!e.detail().contains(&P.to_text()));
        let missing = r4("{}", "").replace(r#""patient":{"reference":"Patient/1"},"#, "");
        assert_eq!(err(&missing, FhirVersion::R4).detail().split(':').next(), Some("Consent.patient"));
    }

    #[test]
    fn limits() {
        let mut deep = String::from(r#"{"type":"deny"}"#);
        for _ in 0..MAX_DEPTH {
            deep = format!(r#"{{"type":"permit","provision":[{deep}]}}"#);
        }
        assert_eq!(err(&r4(&deep, ""), FhirVersion::R4).code(), ErrorCode::TooDeep);
        let wide = format!(r#"{{"provision":[{}]}}"#, vec![r#"{"type":"deny"}"#; MAX_PROVISIONS].join(","));
        assert_eq!(err(&r4(&wide, ""), FhirVersion::R4).code(), ErrorCode::TooLarge);
        let actors = vec![r#"{"reference":{"reference":"Organization/a"}}"#; MAX_VALUES + 1].join(",");
        assert_eq!(err(&r4(&format!(r#"{{"actor":[{actors}]}}"#), ""), FhirVersion::R4).code(), ErrorCode::TooLarge);
        let huge = " ".repeat(MAX_FHIR_JSON_LEN + 1);
        assert_eq!(err(&huge, FhirVersion::R4).code(), ErrorCode::TooLarge);
        let nested_json = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(
            err(&r4("{}", &format!(r#","extension":{nested_json}"#)), FhirVersion::R4).code(),
            ErrorCode::TooDeep
        );
    }

    #[test]
    fn keys_that_are_not_element_names_are_not_echoed() {
        let e = err(&r4("{}", r#","19850101-1234":1"#), FhirVersion::R4);
        assert_eq!(e.code(), ErrorCode::ConsentUnsupportedElement);
        assert!(!e.detail().contains("1985"), "{e}");
        let e = err(&r4("{}", r#","fooBar":1"#), FhirVersion::R4);
        assert!(e.detail().starts_with("Consent.fooBar:"));
    }
}
