//! A small evaluator for ARM template expressions, enough for gallery templates:
//! `parameters()` (defaultValue), `variables()`, `concat`, `format`, `toLower`, `toUpper`, `string`,
//! `resourceId`, property access and indexing. Values only known at deployment time
//! (`resourceGroup()`, `subscription()`, parameters without a default) and unsupported functions
//! leave the string as is and are reported; the rules skip strings that are still expressions.

use crate::diagnostics::{Code, Diagnostic};
use serde_json::{Map, Value};

/// True for `[...]` strings (and not the `[[` escape).
pub fn is_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Unknown {
    /// Only known when deploying (resource group, subscription, parameter without default).
    DeploymentTime(String),
    /// We do not implement this.
    Unsupported(String),
}

type Eval = Result<Value, Unknown>;

/// Parameters and variables of a template.
pub struct TemplateScope<'a> {
    /// `parameters` section.
    pub parameters: &'a Map<String, Value>,
    /// `variables` section.
    pub variables: &'a Map<String, Value>,
    /// Inside a `copy` loop whose count is known: this copy's index (`copyIndex()`).
    pub copy_index: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(i64),
    Open,
    Close,
    Comma,
    Dot,
    LBrack,
    RBrack,
}

fn lex(s: &str) -> Result<Vec<Tok>, Unknown> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let punctuation = match c {
            '(' => Some(Tok::Open),
            ')' => Some(Tok::Close),
            ',' => Some(Tok::Comma),
            '.' => Some(Tok::Dot),
            '[' => Some(Tok::LBrack),
            ']' => Some(Tok::RBrack),
            _ => None,
        };
        if let Some(t) = punctuation {
            out.push(t);
            i += 1;
            continue;
        }
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '\'' => {
                let mut lit = String::new();
                i += 1;
                loop {
                    match cs.get(i) {
                        None => {
                            return Err(Unknown::Unsupported("unterminated string literal".into()))
                        }
                        Some('\'') if cs.get(i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            lit.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(lit));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while cs.get(i).is_some_and(|d| d.is_ascii_digit()) {
                    i += 1;
                }
                let text: String = cs[start..i].iter().collect();
                out.push(Tok::Num(text.parse().map_err(|_| {
                    Unknown::Unsupported(format!("bad number '{text}'"))
                })?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while cs.get(i).is_some_and(|d| d.is_alphanumeric() || *d == '_') {
                    i += 1;
                }
                out.push(Tok::Ident(cs[start..i].iter().collect()));
            }
            other => {
                return Err(Unknown::Unsupported(format!(
                    "unexpected character '{other}'"
                )))
            }
        }
    }
    Ok(out)
}

/// The most function calls one expression may take, variables included.
pub const MAX_STEPS: u64 = 100_000;
/// The largest string or array (in bytes of text) an expression may build.
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// What one evaluation shares across the variables it reaches: the calls made so far (so a
/// fan-out of variables referring to each other ends, whatever its shape) and the variables
/// already evaluated (so each is worked out once).
#[derive(Default)]
struct Work {
    steps: std::cell::Cell<u64>,
    /// Bytes of text produced so far (values built and variables reused).
    bytes: std::cell::Cell<usize>,
    variables: std::cell::RefCell<std::collections::HashMap<String, Eval>>,
}

/// The most text one evaluation may produce in all, so reusing a large variable many times
/// is bounded too.
pub const MAX_TOTAL_BYTES: usize = 16 << 20;

/// The size of a value as text (strings by length; arrays and objects by their elements).
fn text_size(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.iter().map(text_size).sum(),
        Value::Object(o) => o.iter().map(|(k, v)| k.len() + text_size(v)).sum(),
        _ => 8,
    }
}

struct Parser<'a, 's> {
    toks: Vec<Tok>,
    pos: usize,
    scope: &'a TemplateScope<'s>,
    depth: usize,
    work: &'a Work,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, t: Tok) -> Result<(), Unknown> {
        if self.next() == Some(t.clone()) {
            Ok(())
        } else {
            Err(Unknown::Unsupported(format!("expected {t:?}")))
        }
    }

    /// One expression; `depth` counts how deeply expressions are nested right now (not how many
    /// were read), so long argument lists are fine and only nesting is bounded.
    fn expr(&mut self) -> Eval {
        self.depth += 1;
        let value = self.expr_at_depth();
        self.depth -= 1;
        value
    }

    fn expr_at_depth(&mut self) -> Eval {
        if self.depth > 64 {
            return Err(Unknown::Unsupported("expression nested too deeply".into()));
        }
        let mut v = self.primary();
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    let Some(Tok::Ident(p)) = self.next() else {
                        return Err(Unknown::Unsupported("expected a property name".into()));
                    };
                    v = v.and_then(|val| match val.get(&p) {
                        Some(found) => Ok(found.clone()),
                        // resourceGroup(), subscription(): what is not known until deployment.
                        None if val.get(DEPLOYMENT_TIME).is_some() => Err(Unknown::DeploymentTime(
                            format!("its '{p}' is only known at deployment time"),
                        )),
                        None => Err(Unknown::Unsupported(format!("property '{p}' not found"))),
                    });
                }
                Some(Tok::LBrack) => {
                    self.pos += 1;
                    let idx = self.expr();
                    self.expect(Tok::RBrack)?;
                    v = match (v, idx) {
                        (Ok(val), Ok(Value::Number(n))) => n
                            .as_u64()
                            .and_then(|i| val.get(i as usize).cloned())
                            .ok_or_else(|| Unknown::Unsupported("index out of range".into())),
                        (Ok(val), Ok(Value::String(k))) => val.get(&k).cloned().ok_or_else(|| {
                            Unknown::Unsupported(format!("property '{k}' not found"))
                        }),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                        _ => Err(Unknown::Unsupported("bad index".into())),
                    };
                }
                _ => break,
            }
        }
        v
    }

    fn args(&mut self) -> Result<Vec<Eval>, Unknown> {
        self.expect(Tok::Open)?;
        let mut out = Vec::new();
        if self.peek() == Some(&Tok::Close) {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            let value = self.expr();
            // Past the nesting limit the reader stopped mid-argument: say so, not "expected ','".
            if let Err(Unknown::Unsupported(why)) = &value {
                if why.contains("nested too deeply") {
                    return Err(Unknown::Unsupported(why.clone()));
                }
            }
            out.push(value);
            match self.next() {
                Some(Tok::Comma) => continue,
                Some(Tok::Close) => return Ok(out),
                _ => return Err(Unknown::Unsupported("expected ',' or ')'".into())),
            }
        }
    }

    fn primary(&mut self) -> Eval {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Value::String(s)),
            Some(Tok::Num(n)) => Ok(Value::from(n)),
            Some(Tok::Ident(f)) => {
                let args = self.args()?;
                self.call(&f, args)
            }
            other => Err(Unknown::Unsupported(format!("unexpected token {other:?}"))),
        }
    }

    fn call(&mut self, f: &str, args: Vec<Eval>) -> Eval {
        let steps = self.work.steps.get() + 1;
        self.work.steps.set(steps);
        if steps > MAX_STEPS {
            return Err(Unknown::Unsupported(format!(
                "it takes more than {MAX_STEPS} function calls (variables that refer to each other too often)"
            )));
        }
        // What `concat` and `format` would build is known from their arguments: refuse before
        // allocating it, not after.
        if let Some(size) = result_size(&f.to_ascii_lowercase(), &args) {
            if size > MAX_VALUE_BYTES {
                return Err(Unknown::Unsupported(format!(
                    "its value grows beyond {MAX_VALUE_BYTES} bytes"
                )));
            }
        }
        let value = self.call_once(f, args)?;
        let size = text_size(&value);
        if size > MAX_VALUE_BYTES {
            return Err(Unknown::Unsupported(format!(
                "its value grows beyond {MAX_VALUE_BYTES} bytes"
            )));
        }
        let total = self.work.bytes.get().saturating_add(size);
        self.work.bytes.set(total);
        if total > MAX_TOTAL_BYTES {
            return Err(Unknown::Unsupported(format!(
                "it builds more than {MAX_TOTAL_BYTES} bytes of text in all"
            )));
        }
        Ok(value)
    }

    fn call_once(&mut self, f: &str, args: Vec<Eval>) -> Eval {
        let lower = f.to_ascii_lowercase();
        // Deployment-time functions win over argument errors: their value is simply unknown.
        match lower.as_str() {
            // The deployment scope: ids use the same placeholders as ids built from templates;
            // anything else about it (location, tags, ...) is only known at deployment time.
            "resourcegroup" => {
                return Ok(serde_json::json!({
                    "id": format!("/subscriptions/{TEMPLATE_SUBSCRIPTION}/resourceGroups/{TEMPLATE_RESOURCE_GROUP}"),
                    "name": TEMPLATE_RESOURCE_GROUP,
                    DEPLOYMENT_TIME: true,
                }))
            }
            "subscription" => {
                return Ok(serde_json::json!({
                    "id": format!("/subscriptions/{TEMPLATE_SUBSCRIPTION}"),
                    "subscriptionId": TEMPLATE_SUBSCRIPTION,
                    DEPLOYMENT_TIME: true,
                }))
            }
            "deployment" | "tenant" | "utcnow" | "newguid" | "environment" | "reference"
            | "listkeys" => {
                return Err(Unknown::DeploymentTime(format!(
                    "{f}() is only known at deployment time"
                )));
            }
            _ => {}
        }
        let args: Vec<Value> = args.into_iter().collect::<Result<_, _>>()?;
        let arg = |i: usize| {
            args.get(i)
                .cloned()
                .ok_or_else(|| Unknown::Unsupported(format!("{f}() is missing argument {}", i + 1)))
        };
        match lower.as_str() {
            "parameters" => {
                let name = text(&arg(0)?);
                let p = self.scope.parameters.get(&name).ok_or_else(|| {
                    Unknown::Unsupported(format!("parameter '{name}' is not declared"))
                })?;
                match p.get("defaultValue") {
                    Some(v) => self.resolve(v.clone()),
                    None => Err(Unknown::DeploymentTime(format!(
                        "parameter '{name}' has no defaultValue"
                    ))),
                }
            }
            "variables" => {
                let name = text(&arg(0)?);
                if let Some(known) = self.work.variables.borrow().get(&name) {
                    return known.clone();
                }
                let v = self.scope.variables.get(&name).cloned().ok_or_else(|| {
                    Unknown::Unsupported(format!("variable '{name}' is not declared"))
                })?;
                let value = self.resolve(v);
                self.work.variables.borrow_mut().insert(name, value.clone());
                value
            }
            "concat" => {
                if args.iter().all(Value::is_array) {
                    Ok(Value::Array(
                        args.iter()
                            .flat_map(|a| a.as_array().cloned().unwrap_or_default())
                            .collect(),
                    ))
                } else {
                    Ok(Value::String(args.iter().map(text).collect()))
                }
            }
            "format" => {
                let fmt = text(&arg(0)?);
                let mut s = fmt;
                for (i, a) in args.iter().enumerate().skip(1) {
                    s = s.replace(&format!("{{{}}}", i - 1), &text(a));
                }
                Ok(Value::String(s))
            }
            "tolower" => Ok(Value::String(text(&arg(0)?).to_lowercase())),
            "toupper" => Ok(Value::String(text(&arg(0)?).to_uppercase())),
            "string" => Ok(Value::String(text(&arg(0)?))),
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "resourceid" => resource_id(&args),
            "if" => match arg(0)? {
                Value::Bool(true) => arg(1),
                Value::Bool(false) => arg(2),
                other => Err(Unknown::Unsupported(format!(
                    "if() needs a boolean condition, not {other}"
                ))),
            },
            "equals" => Ok(Value::Bool(arg(0)? == arg(1)?)),
            "not" => match arg(0)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => Err(Unknown::Unsupported(format!(
                    "not() needs a boolean, not {other}"
                ))),
            },
            // Azure's own hash is not public: a stable value of the same shape, so a name built
            // from it is checked as Azure would check one (13 lower-case characters; a GUID).
            "uniquestring" if !args.is_empty() => Ok(Value::String(unique_string(&args))),
            "guid" if !args.is_empty() => Ok(Value::String(guid_of(&args))),
            "copyindex" => match self.scope.copy_index {
                Some(i) => {
                    let offset = args.first().and_then(Value::as_i64).unwrap_or(0);
                    Ok(Value::from(i.saturating_add(offset)))
                }
                None => Err(Unknown::DeploymentTime(
                    "copyIndex() is only known in a copy loop whose count is known".into(),
                )),
            },
            _ => Err(Unknown::Unsupported(format!(
                "function '{f}' is not supported by the simulator"
            ))),
        }
    }

    fn resolve(&mut self, v: Value) -> Eval {
        match v {
            Value::String(s) if is_expression(&s) => {
                let inner = &s[1..s.len() - 1];
                let mut p = Parser {
                    toks: lex(inner)?,
                    pos: 0,
                    scope: self.scope,
                    depth: self.depth + 1,
                    work: self.work,
                };
                if p.depth > 64 {
                    return Err(Unknown::Unsupported("expression nested too deeply".into()));
                }
                let v = p.expr()?;
                if p.pos != p.toks.len() {
                    return Err(Unknown::Unsupported("trailing tokens in expression".into()));
                }
                Ok(v)
            }
            other => Ok(other),
        }
    }
}

/// The size `concat` or `format` would build from already-evaluated arguments (`None` for the
/// other functions, whose results are measured once built).
fn result_size(f: &str, args: &[Eval]) -> Option<usize> {
    let size = |e: &Eval| e.as_ref().map_or(0, text_size);
    match f {
        "concat" => Some(args.iter().map(size).fold(0usize, usize::saturating_add)),
        "format" => {
            let Some(Ok(Value::String(fmt))) = args.first() else {
                return None;
            };
            let mut total = fmt.len();
            for (i, a) in args.iter().enumerate().skip(1) {
                let uses = fmt.matches(&format!("{{{}}}", i - 1)).count();
                total = total.saturating_add(uses.saturating_mul(size(a)));
            }
            Some(total)
        }
        _ => None,
    }
}

/// Marks a value (resourceGroup(), subscription()) whose other properties are only known at
/// deployment time.
const DEPLOYMENT_TIME: &str = "$deploymentTime";

fn hash_of(args: &[Value]) -> u64 {
    // FNV-1a over the arguments' text: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for a in args {
        for b in text(a).bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn unique_string(args: &[Value]) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut h = hash_of(args);
    (0..13)
        .map(|_| {
            let c = ALPHABET[(h % 32) as usize] as char;
            h = h.rotate_right(5) ^ 0x9e37_79b9_7f4a_7c15;
            c
        })
        .collect()
}

fn guid_of(args: &[Value]) -> String {
    let a = hash_of(args);
    let b = a.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// Placeholder scope used for ids built from templates (the real one is only known at deployment).
pub const TEMPLATE_SUBSCRIPTION: &str = "{subscriptionId}";
/// Placeholder resource group for ids built from templates.
pub const TEMPLATE_RESOURCE_GROUP: &str = "{resourceGroupName}";

fn resource_id(args: &[Value]) -> Eval {
    let strs: Vec<String> = args.iter().map(text).collect();
    let Some(ti) = strs.iter().position(|s| s.contains('/')) else {
        return Err(Unknown::Unsupported(
            "resourceId() needs a resource type".into(),
        ));
    };
    let ty = &strs[ti];
    let mut parts = ty.split('/');
    let ns = parts.next().unwrap_or_default();
    let types: Vec<&str> = parts.collect();
    let names = &strs[ti + 1..];
    if names.len() != types.len() {
        return Err(Unknown::Unsupported(
            "resourceId() argument count does not match the type".into(),
        ));
    }
    let (sub, rg) = match ti {
        0 => (
            TEMPLATE_SUBSCRIPTION.to_string(),
            TEMPLATE_RESOURCE_GROUP.to_string(),
        ),
        1 => (TEMPLATE_SUBSCRIPTION.to_string(), strs[0].clone()),
        _ => (strs[0].clone(), strs[1].clone()),
    };
    let mut id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}");
    for (t, n) in types.iter().zip(names) {
        id.push_str(&format!("/{t}/{n}"));
    }
    Ok(Value::String(id))
}

/// Evaluates one expression string (with its brackets).
pub fn evaluate(s: &str, scope: &TemplateScope) -> Result<Value, Unknown> {
    let work = Work::default();
    let mut p = Parser {
        toks: Vec::new(),
        pos: 0,
        scope,
        depth: 0,
        work: &work,
    };
    p.resolve(Value::String(s.to_string()))
}

/// Replaces every expression inside `v` that can be evaluated; reports the others (path-precise).
pub fn substitute(
    v: &mut Value,
    scope: &TemplateScope,
    path: &str,
    rid: &str,
    out: &mut Vec<Diagnostic>,
) {
    match v {
        Value::String(s) if s.starts_with("[[") => {
            s.remove(0);
        }
        Value::String(s) if is_expression(s) => match evaluate(s, scope) {
            Ok(val) => *v = val,
            Err(Unknown::DeploymentTime(why)) => out.push(Diagnostic::new(Code::TemplateValueUnknown, rid, path,
                format!("'{s}' is only known at deployment time ({why}); rules that depend on it were skipped."))),
            Err(Unknown::Unsupported(why)) => out.push(Diagnostic::new(Code::TemplateExpressionUnsupported, rid, path,
                format!("The template expression '{s}' could not be evaluated ({why}); rules that depend on it were skipped."))),
        },
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                substitute(x, scope, &format!("{path}[{i}]"), rid, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                substitute(x, scope, &p, rid, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope_eval(s: &str) -> Result<Value, Unknown> {
        let params = json!({"galleryName": {"type": "string", "defaultValue": "myGallery"}, "noDefault": {"type": "string"},
            "loc": {"type": "string", "defaultValue": "[resourceGroup().location]"}});
        let vars =
            json!({"img": "[concat(parameters('galleryName'), '/img')]", "obj": {"a": [1, 2]}});
        let scope = TemplateScope {
            parameters: params.as_object().unwrap(),
            variables: vars.as_object().unwrap(),
            copy_index: None,
        };
        evaluate(s, &scope)
    }

    #[test]
    fn evaluates_common_shapes() {
        assert_eq!(
            scope_eval("[parameters('galleryName')]"),
            Ok(json!("myGallery"))
        );
        assert_eq!(scope_eval("[variables('img')]"), Ok(json!("myGallery/img")));
        assert_eq!(scope_eval("[concat('a', 'b', 'c')]"), Ok(json!("abc")));
        assert_eq!(
            scope_eval("[format('{0}/{1}', 'g', 'i')]"),
            Ok(json!("g/i"))
        );
        assert_eq!(scope_eval("[toLower('AbC')]"), Ok(json!("abc")));
        assert_eq!(scope_eval("[variables('obj').a[1]]"), Ok(json!(2)));
        assert_eq!(scope_eval("['it''s']"), Ok(json!("it's")));
        assert_eq!(
            scope_eval("[resourceId('Microsoft.Compute/galleries/images', parameters('galleryName'), 'img')]"),
            Ok(json!("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/myGallery/images/img"))
        );
    }

    #[test]
    fn unknowns_are_reported_not_panicked() {
        assert!(matches!(
            scope_eval("[resourceGroup().location]"),
            Err(Unknown::DeploymentTime(_))
        ));
        assert!(matches!(
            scope_eval("[parameters('loc')]"),
            Err(Unknown::DeploymentTime(_))
        ));
        assert!(matches!(
            scope_eval("[parameters('noDefault')]"),
            Err(Unknown::DeploymentTime(_))
        ));
        for bad in [
            "[take('abc', 2)]",
            "[parameters('missing')]",
            "[concat('a']",
            "[)]",
            "[]",
            "['unterminated]",
            "[variables('obj')[9]]",
            "[a.b.c]",
            "[#]",
        ] {
            assert!(
                matches!(scope_eval(bad), Err(Unknown::Unsupported(_))),
                "{bad}"
            );
        }
    }

    /// Variables that each refer to the next one several times take exponentially many calls
    /// to expand naively (and build exponentially long strings): each is worked out once, and
    /// the growth stops at the size limit with a reason, at once.
    #[test]
    fn a_fan_out_through_variables_ends_fast() {
        // Each variable uses the next one eight times: 8^levels calls and bytes if expanded naively.
        let chain = |levels: usize| {
            let mut vars = serde_json::Map::new();
            for n in 0..levels {
                let next = format!("variables('v{}')", n + 1);
                vars.insert(
                    format!("v{n}"),
                    json!(format!("[concat({})]", vec![next; 8].join(", "))),
                );
            }
            vars.insert(format!("v{levels}"), json!("a"));
            vars
        };
        let params = serde_json::Map::new();
        let started = std::time::Instant::now();
        // 8^6 = 262,144 calls naively (over the step budget); each variable once here.
        let vars = chain(6);
        let scope = TemplateScope {
            parameters: &params,
            variables: &vars,
            copy_index: None,
        };
        let value = evaluate("[variables('v0')]", &scope).unwrap();
        assert_eq!(value.as_str().map(str::len), Some(8usize.pow(6)));
        // One level more and the value would pass the size limit: a reason, not a hang.
        let vars = chain(7);
        let scope = TemplateScope {
            parameters: &params,
            variables: &vars,
            copy_index: None,
        };
        let result = evaluate("[variables('v0')]", &scope);
        assert!(
            matches!(&result, Err(Unknown::Unsupported(why)) if why.contains("grows beyond")),
            "{result:?}"
        );
        // Nested deeper than the reader goes: the reason says so.
        let vars = chain(40);
        let scope = TemplateScope {
            parameters: &params,
            variables: &vars,
            copy_index: None,
        };
        let result = evaluate("[variables('v0')]", &scope);
        assert!(
            matches!(&result, Err(Unknown::Unsupported(why)) if why.contains("nested too deeply")),
            "{result:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn self_referencing_variables_terminate() {
        let vars = json!({"a": "[variables('a')]"});
        let params = json!({});
        let scope = TemplateScope {
            parameters: params.as_object().unwrap(),
            variables: vars.as_object().unwrap(),
            copy_index: None,
        };
        assert!(evaluate("[variables('a')]", &scope).is_err());
    }

    /// The functions quickstart templates use: conditions, the deployment scope (its ids by
    /// placeholder, the rest unknown), and stable hashes of the right shape.
    #[test]
    fn quickstart_functions() {
        let eval = |s: &str| scope_eval(s);
        assert_eq!(
            eval("[if(equals('a', 'a'), 'yes', 'no')]"),
            Ok(json!("yes"))
        );
        assert_eq!(
            eval("[if(not(equals(1, 1)), 'yes', 'no')]"),
            Ok(json!("no"))
        );
        assert_eq!(
            eval("[resourceGroup().id]"),
            Ok(json!(format!(
                "/subscriptions/{TEMPLATE_SUBSCRIPTION}/resourceGroups/{TEMPLATE_RESOURCE_GROUP}"
            )))
        );
        assert!(matches!(
            eval("[resourceGroup().location]"),
            Err(Unknown::DeploymentTime(_))
        ));
        assert!(matches!(
            eval("[subscription().tenantId]"),
            Err(Unknown::DeploymentTime(_))
        ));
        let u = eval("[uniqueString('a', 'b')]").unwrap();
        assert_eq!(u.as_str().map(str::len), Some(13));
        assert_eq!(eval("[uniqueString('a', 'b')]").unwrap(), u, "stable");
        assert_ne!(eval("[uniqueString('a', 'c')]").unwrap(), u);
        let g = eval("[guid('x')]").unwrap();
        let g = g.as_str().unwrap();
        assert_eq!(g.len(), 36);
        assert_eq!(g.matches('-').count(), 4);
        assert!(matches!(
            eval("[copyIndex()]"),
            Err(Unknown::DeploymentTime(_))
        ));
    }

    /// `format` and `concat` are refused before they build a value over the limit, and reusing
    /// a large variable many times stops at the total budget.
    #[test]
    fn large_values_are_refused_before_they_are_built() {
        let params = serde_json::Map::new();
        let mut vars = serde_json::Map::new();
        vars.insert("fmt".into(), json!("{0}".repeat(200_000)));
        vars.insert("big".into(), json!("x".repeat(900_000)));
        let scope = TemplateScope {
            parameters: &params,
            variables: &vars,
            copy_index: None,
        };
        let grows = |r: Result<Value, Unknown>| matches!(&r, Err(Unknown::Unsupported(why)) if why.contains("grows beyond") || why.contains("in all"));
        assert!(grows(evaluate(
            "[format(variables('fmt'), 'abcdef')]",
            &scope
        )));
        assert!(grows(evaluate(
            "[concat(variables('big'), variables('big'))]",
            &scope
        )));
        let many = format!(
            "[concat({})]",
            vec!["toLower(variables('big'))"; 30].join(", ")
        );
        assert!(grows(evaluate(&many, &scope)));
    }
}
