//! The endpoints of the fake, for a caller whose token is already known to be valid.
//! Quota, faults and authentication happen before this, in `pipeline.rs`.

use super::answer::Answer;
use super::entries;
use super::render;
use super::scenario::{Scenario, User};
use serde_json::{json, Value};
use std::collections::HashMap;

/// One request, already split for matching.
pub(crate) struct Call<'a> {
    pub method: &'a str,
    pub segments: Vec<&'a str>,
    pub query: HashMap<String, String>,
    pub body: &'a [u8],
    /// The endless-report fault: report pages repeat and always name a next row.
    pub endless_report: bool,
    /// The repeated-list-pages fault: every list page holds the first page's items.
    pub repeated_list_pages: bool,
}

impl Call<'_> {
    pub(crate) fn query_number(&self, name: &str) -> Result<Option<usize>, Answer> {
        match self.query.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Answer::error(400, &format!("Invalid value sent for '{name}'"))),
        }
    }
}

/// The organization whose quota bucket a request draws from; `None` = the user bucket.
pub(crate) fn bucket_org(s: &Scenario, user_id: i64, segments: &[&str]) -> Option<i64> {
    let org_of_ws = |wid: &str| s.workspace(wid.parse().ok()?).map(|w| w.organization_id);
    match segments {
        ["api", "v9", "me", "time_entries", ..] if s.shape.me_time_entries_in_org_bucket => {
            s.workspaces_of(user_id).first().map(|w| w.organization_id)
        }
        ["api", "v9", "workspaces", wid, ..] => org_of_ws(wid),
        ["reports", "api", "v3", "workspace", wid, ..] => org_of_ws(wid),
        ["api", "v9", "organizations", oid, ..] => oid.parse().ok(),
        _ => None,
    }
}

pub(crate) fn route(s: &Scenario, user: &User, call: &Call, quota: Value) -> Answer {
    match (call.method, call.segments.as_slice()) {
        ("GET", ["api", "v9", "me"]) => {
            let related = call
                .query
                .get("with_related_data")
                .is_some_and(|v| v == "true");
            Answer::ok(render::me(s, user, related))
        }
        ("GET", ["api", "v9", "me", "organizations"]) => Answer::ok(
            s.organizations_of(user.id)
                .iter()
                .map(|o| render::organization(s, user, o))
                .collect(),
        ),
        ("GET", ["api", "v9", "me", "workspaces"]) => Answer::ok(
            s.workspaces_of(user.id)
                .iter()
                .map(|w| render::workspace(s, user, w))
                .collect(),
        ),
        ("GET", ["api", "v9", "me", "time_entries"]) => entries::my_time_entries(s, user, call),
        ("GET", ["api", "v9", "me", "time_entries", "current"]) => Answer::ok(
            s.time_entries
                .iter()
                .find(|e| e.user_id == user.id && e.duration.is_none())
                .map_or(Value::Null, |e| render::time_entry(s, e)),
        ),
        ("GET", ["api", "v9", "me", "quota"]) => Answer::ok(quota),
        ("GET", ["api", "v9", "me", "logged"]) => Answer::empty(200),
        ("GET", ["api", "v9", "organizations", oid]) => match visible_org(s, user, oid) {
            Some(org) => Answer::ok(render::organization(s, user, org)),
            None => Answer::error(404, "User not part of organization"),
        },
        ("GET", ["api", "v9", "organizations", oid, "users"]) => {
            organization_users(s, user, oid, call)
        }
        ("GET", ["api", "v9", "workspaces", wid, rest @ ..]) => match visible_ws(s, user, wid) {
            Some(wid) => workspace_route(s, user, wid, rest, call),
            None => Answer::error(403, "User does not have access to this resource."),
        },
        ("POST", ["reports", "api", "v3", "workspace", wid, "search", "time_entries"]) => {
            match visible_ws(s, user, wid) {
                Some(wid) => entries::detailed_report(s, user, wid, call),
                None => Answer::error(403, "Workspace not found/accessible"),
            }
        }
        _ => Answer::error(404, "Not Found"),
    }
}

fn visible_org<'s>(
    s: &'s Scenario,
    user: &User,
    oid: &str,
) -> Option<&'s super::scenario::Organization> {
    let oid: i64 = oid.parse().ok()?;
    s.organizations_of(user.id)
        .into_iter()
        .find(|o| o.id == oid)
}

fn visible_ws(s: &Scenario, user: &User, wid: &str) -> Option<i64> {
    let wid: i64 = wid.parse().ok()?;
    s.can_see_workspace(user.id, wid).then_some(wid)
}

fn workspace_route(s: &Scenario, user: &User, wid: i64, rest: &[&str], call: &Call) -> Answer {
    match rest {
        [] => Answer::ok(render::workspace(
            s,
            user,
            s.workspace(wid).expect("visible"),
        )),
        ["projects"] => projects(s, wid, call),
        ["clients"] => {
            let status = call.query.get("status").map_or("active", String::as_str);
            let keep: fn(bool) -> bool = match status {
                "active" => |archived: bool| !archived,
                "archived" => |archived: bool| archived,
                "both" => |_: bool| true,
                _ => return Answer::error(400, "Client status is invalid"),
            };
            Answer::ok(
                s.clients
                    .iter()
                    .filter(|c| c.workspace_id == wid && keep(c.archived))
                    .map(render::client)
                    .collect(),
            )
        }
        ["tags"] => {
            let tags: Vec<Value> = s
                .tags
                .iter()
                .filter(|t| t.workspace_id == wid)
                .map(render::tag)
                .collect();
            list_page(s, tags, call, usize::MAX)
        }
        ["users"] => {
            let ws = s.workspace(wid).expect("visible");
            Answer::ok(
                ws.members
                    .iter()
                    .filter_map(|(id, role)| s.user(*id).map(|u| render::member(s, u, role)))
                    .collect(),
            )
        }
        _ => Answer::error(404, "Not Found"),
    }
}

/// Projects: `active` is `true`, `false` or `both`; without it the scenario decides.
fn projects(s: &Scenario, wid: i64, call: &Call) -> Answer {
    let active = call.query.get("active").map(String::as_str);
    let keep = |is_active: bool| match active {
        Some("true") => is_active,
        Some("false") => !is_active,
        Some("both") => true,
        _ => is_active || !s.shape.projects_default_active_only,
    };
    let all: Vec<Value> = s
        .projects
        .iter()
        .filter(|p| p.workspace_id == wid && keep(p.active))
        .map(render::project)
        .collect();
    if call
        .query_number("per_page")
        .ok()
        .flatten()
        .is_some_and(|n| n > 200)
    {
        return Answer::error(400, "per_page cannot exceed 200");
    }
    list_page(s, all, call, 151)
}

/// A page of projects or tags with Toggl's `X-Page` and `X-Page-Size`; the page size is
/// capped by [`Shape::max_per_page`](super::scenario::Shape) when the scenario sets one.
fn list_page(s: &Scenario, all: Vec<Value>, call: &Call, default_per_page: usize) -> Answer {
    let asked = match call.query_number("per_page") {
        Ok(n) => n.unwrap_or(default_per_page),
        Err(e) => return e,
    };
    let per_page = s.shape.max_per_page.map_or(asked, |cap| asked.min(cap));
    let sliced = if call.repeated_list_pages {
        Ok((all.into_iter().take(per_page).collect(), 1))
    } else {
        page_sized(all, call, per_page)
    };
    match sliced {
        Err(e) => e,
        Ok((items, _)) => {
            let page = call.query_number("page").ok().flatten().unwrap_or(1).max(1);
            let answer = Answer::ok(items.into()).header("x-page", page);
            if per_page == usize::MAX {
                answer
            } else {
                answer.header("x-page-size", per_page)
            }
        }
    }
}

/// Slices a list by `page` (1-based) and `per_page`; returns the page and the page count.
pub(crate) fn page_of(
    all: Vec<Value>,
    call: &Call,
    default_per_page: usize,
) -> Result<(Vec<Value>, usize), Answer> {
    let per_page = call.query_number("per_page")?.unwrap_or(default_per_page);
    page_sized(all, call, per_page)
}

/// Slices a list by `page` (1-based) at the given page size.
fn page_sized(
    all: Vec<Value>,
    call: &Call,
    per_page: usize,
) -> Result<(Vec<Value>, usize), Answer> {
    let page = call.query_number("page")?.unwrap_or(1).max(1);
    if per_page == 0 {
        return Err(Answer::error(
            400,
            "per_page parameter must contain values > 0",
        ));
    }
    let pages = all.len().div_ceil(per_page).max(1);
    let items = all
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    Ok((items, pages))
}

/// Organization members, for its owner and admins only, paged with `X-Page` headers.
fn organization_users(s: &Scenario, user: &User, oid: &str, call: &Call) -> Answer {
    let Some(org) = visible_org(s, user, oid) else {
        return Answer::error(404, "User not part of organization");
    };
    if !s.is_org_admin(user.id, org) {
        return Answer::error(403, "User is not authorized to list the organization users");
    }
    let all: Vec<Value> = s
        .users
        .iter()
        .filter(|u| s.organizations_of(u.id).iter().any(|o| o.id == org.id))
        .map(|u| {
            let workspaces: Vec<Value> = s
                .workspaces_of(u.id)
                .iter()
                .filter(|w| w.organization_id == org.id)
                .map(|w| {
                    let role = s.role_in(u.id, w.id).unwrap_or("user");
                    json!({"workspace_id": w.id, "workspace_name": w.name, "admin": role == "admin", "role": role})
                })
                .collect();
            json!({"id": u.id * 10, "user_id": u.id, "name": u.fullname, "email": u.email,
                   "owner": org.owner_id == u.id, "admin": s.is_org_admin(u.id, org),
                   "inactive": false, "joined": true, "workspaces": workspaces})
        })
        .collect();
    let records = all.len();
    let page = call.query_number("page").ok().flatten().unwrap_or(1);
    let per_page = call.query_number("per_page").ok().flatten().unwrap_or(50);
    match page_of(all, call, 50) {
        Err(e) => e,
        Ok((items, pages)) => Answer::ok(items.into())
            .header("x-page", page)
            .header("x-page-size", per_page)
            .header("x-pages", pages)
            .header("x-records", records),
    }
}
