//! Toggl's JSON shapes for the scenario's data, as the fact sheet shows them (real key
//! names, nulls where Toggl sends nulls, legacy keys beside their successors).

use super::scenario::{Client, Organization, Project, Scenario, Tag, TimeEntry, User, Workspace};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

const CREATED: &str = "2024-03-17T10:58:40+00:00";

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A last-update time as Toggl writes `at`: microseconds and `Z`.
fn precise(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn me(s: &Scenario, user: &User, related: bool) -> Value {
    let mut body = json!({
        "id": user.id, "api_token": user.token, "email": user.email, "fullname": user.fullname,
        "timezone": user.timezone, "toggl_accounts_id": format!("acc{}", user.id),
        "default_workspace_id": s.workspaces_of(user.id).first().map(|w| w.id),
        "beginning_of_week": user.beginning_of_week, "image_url": "https://assets.example.test/avatar.png",
        "created_at": "2016-03-20T20:40:08.017845Z", "updated_at": "2024-11-26T17:13:54.850204Z",
        "openid_email": null, "openid_enabled": false, "country_id": null, "has_password": true,
        "at": "2024-12-11T17:43:57.206072Z", "intercom_hash": "x", "oauth_providers": ["google"],
        "authorization_updated_at": "2024-07-02T14:55:08Z",
        "clients": null, "projects": null, "tags": null, "time_entries": null, "workspaces": null,
    });
    if related {
        let wids: Vec<i64> = s.workspaces_of(user.id).iter().map(|w| w.id).collect();
        let within = |wid: &i64| wids.contains(wid);
        body["workspaces"] = s
            .workspaces_of(user.id)
            .iter()
            .map(|w| workspace(s, user, w))
            .collect();
        body["projects"] = s
            .projects
            .iter()
            .filter(|p| within(&p.workspace_id))
            .map(project)
            .collect();
        body["clients"] = s
            .clients
            .iter()
            .filter(|c| within(&c.workspace_id))
            .map(client)
            .collect();
        body["tags"] = s
            .tags
            .iter()
            .filter(|t| within(&t.workspace_id))
            .map(tag)
            .collect();
        body["time_entries"] = s
            .live_entries()
            .filter(|e| e.user_id == user.id)
            .map(|e| time_entry(s, e))
            .collect();
        if s.shape.odd_related_elements {
            add_odd_related_elements(&mut body);
        }
    }
    body
}

fn add_odd_related_elements(body: &mut Value) {
    let odd = [
        ("workspaces", json!({"id": "ws-odd", "name": 12})),
        (
            "projects",
            json!({"id": 1, "name": null, "permissions": null}),
        ),
        ("clients", json!({"name": ["not", "a", "name"]})),
        ("tags", json!({"id": 5, "name": null, "permissions": null})),
        (
            "time_entries",
            json!({"id": "te-odd", "start": "yesterday"}),
        ),
    ];
    for (key, element) in odd {
        if let Some(list) = body[key].as_array_mut() {
            list.insert(list.len() / 2, element);
        } else {
            body[key] = json!([element]);
        }
    }
}

pub(crate) fn organization(s: &Scenario, user: &User, org: &Organization) -> Value {
    json!({
        "id": org.id, "name": org.name, "pricing_plan_id": 0,
        "created_at": CREATED, "at": CREATED, "server_deleted_at": null,
        "is_multi_workspace_enabled": false, "suspended_at": null,
        "user_count": s.users.iter().filter(|u| s.organizations_of(u.id).iter().any(|o| o.id == org.id)).count(),
        "trial_info": {"trial": false, "trial_available": true, "trial_end_date": null,
                       "next_payment_date": null, "last_pricing_plan_id": null,
                       "can_have_trial": true, "trial_plan_id": null},
        "is_unified": false, "max_workspaces": 20, "permissions": null,
        "admin": s.is_org_admin(user.id, org), "owner": org.owner_id == user.id,
        "pricing_plan_name": org.plan.name(), "pricing_plan_enterprise": false,
    })
}

/// A workspace as `user` sees it; org owners and admins see `admin` on every workspace
/// of their organization even without a direct membership.
pub(crate) fn workspace(s: &Scenario, user: &User, ws: &Workspace) -> Value {
    let org_admin = s
        .organization(ws.organization_id)
        .is_some_and(|o| s.is_org_admin(user.id, o));
    let role = s
        .role_in(user.id, ws.id)
        .unwrap_or(if org_admin { "admin" } else { "user" });
    let mut body = json!({
        "id": ws.id, "organization_id": ws.organization_id, "name": ws.name,
        "premium": false, "business_ws": false, "admin": role == "admin", "role": role,
        "suspended_at": null, "server_deleted_at": null, "default_hourly_rate": null,
        "default_currency": "USD", "only_admins_may_create_projects": false,
        "only_admins_may_create_tags": false, "only_admins_see_team_dashboard": false,
        "projects_billable_by_default": true, "projects_private_by_default": true,
        "last_modified": "2024-12-15T00:00:00Z", "rounding": 0, "rounding_minutes": 0,
        "api_token": "0000", "at": CREATED, "logo_url": null, "ical_enabled": false,
        "csv_upload": null, "subscription": null, "permissions": null,
        "working_hours_in_minutes": null,
        "active_project_count": s.projects.iter().filter(|p| p.workspace_id == ws.id && p.active).count(),
    });
    if s.shape.omit_workspace_role {
        body.as_object_mut().map(|o| o.remove("role"));
    }
    body
}

pub(crate) fn project(p: &Project) -> Value {
    json!({
        "id": p.id, "workspace_id": p.workspace_id, "wid": p.workspace_id,
        "client_id": p.client_id, "cid": p.client_id, "name": p.name, "is_private": false,
        "active": p.active, "status": if p.active { "active" } else { "archived" },
        "at": CREATED, "created_at": CREATED, "server_deleted_at": null, "color": "#0b83d9",
        "billable": p.rate.is_some(), "template": null,
        "rate": p.rate.as_ref().map(|r| r.cents as f64 / 100.0),
        "currency": p.rate.as_ref().map(|r| r.currency.clone()), "recurring": false,
        "actual_hours": 3, "actual_seconds": 10_800, "start_date": "2024-03-17", "pinned": false,
    })
}

pub(crate) fn client(c: &Client) -> Value {
    json!({"id": c.id, "wid": c.workspace_id, "archived": c.archived, "name": c.name,
           "at": CREATED, "creator_id": 1})
}

pub(crate) fn tag(t: &Tag) -> Value {
    json!({"id": t.id, "workspace_id": t.workspace_id, "name": t.name,
           "at": "2024-11-08T19:11:14.332795Z", "creator_id": 1})
}

/// A workspace member as the real answer has it: `is_admin`, and `role` only when the
/// scenario asks for the documented newer shape.
pub(crate) fn member(s: &Scenario, user: &User, role: &str) -> Value {
    let mut body = json!({"id": user.id, "email": user.email, "fullname": user.fullname,
           "inactive": false, "is_active": true, "is_admin": role == "admin"});
    if s.shape.member_role_key {
        body["role"] = json!(role);
    }
    body
}

fn stop_of(e: &TimeEntry) -> Option<DateTime<Utc>> {
    e.duration.map(|d| e.start + chrono::Duration::seconds(d))
}

fn tag_names(s: &Scenario, e: &TimeEntry) -> Vec<String> {
    e.tag_ids
        .iter()
        .filter_map(|id| s.tags.iter().find(|t| t.id == *id).map(|t| t.name.clone()))
        .collect()
}

/// A v9 time entry: UTC times; a running one has `stop: null` and minus its start time
/// as duration; `pid` is left out when there is no project, as Toggl does.
pub(crate) fn time_entry(s: &Scenario, e: &TimeEntry) -> Value {
    let stop = stop_of(e);
    let mut body = json!({
        "id": e.id, "workspace_id": e.workspace_id, "project_id": e.project_id, "task_id": null,
        "billable": e.billable, "start": utc(e.start), "stop": stop.map(utc),
        "duration": e.duration.unwrap_or(-e.start.timestamp()), "description": e.description,
        "tags": tag_names(s, e), "tag_ids": e.tag_ids, "duronly": true,
        "at": precise(e.last_update()), "server_deleted_at": e.deleted_at.map(utc),
        "user_id": e.user_id, "uid": e.user_id, "wid": e.workspace_id,
    });
    if let Some(pid) = e.project_id {
        body["pid"] = json!(pid);
    }
    body
}

/// A Toggl time zone name as the real service reads it (daylight saving included);
/// unknown names are UTC.
pub(crate) fn zone(name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The zone's offset at one instant.
pub(crate) fn offset_at(zone: &jiff::tz::TimeZone, t: DateTime<Utc>) -> FixedOffset {
    let seconds = jiff::Timestamp::from_second(t.timestamp())
        .map(|ts| zone.to_offset(ts).seconds())
        .unwrap_or(0);
    FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
}

/// The first instant of a calendar day in the zone.
pub(crate) fn local_midnight(zone: &jiff::tz::TimeZone, day: NaiveDate) -> DateTime<Utc> {
    let civil = jiff::civil::Date::new(day.year() as i16, day.month() as i8, day.day() as i8);
    civil
        .and_then(|d| d.to_zoned(zone.clone()))
        .ok()
        .and_then(|z| DateTime::from_timestamp(z.timestamp().as_second(), 0))
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// A detailed-report row (ungrouped: one entry per row), times in the offset of the
/// user who asked for the report.
pub(crate) fn report_row(
    s: &Scenario,
    e: &TimeEntry,
    row_number: usize,
    zone: &jiff::tz::TimeZone,
) -> Value {
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&offset_at(zone, t))
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    };
    let stop = stop_of(e);
    let seconds = e
        .duration
        .map_or(0, |d| rounded(d, s.shape.report_rounding_minutes));
    // Billable time of a project with a rate earns an amount in the rate's currency;
    // anything else has null amounts and the workspace's currency, as Toggl sends them.
    let rate = e
        .project_id
        .and_then(|pid| s.projects.iter().find(|p| p.id == pid))
        .and_then(|p| p.rate.as_ref())
        .filter(|_| e.billable);
    json!({
        "user_id": e.user_id,
        "username": s.user(e.user_id).map(|u| u.fullname.clone()),
        "project_id": e.project_id, "task_id": null, "billable": e.billable,
        "description": e.description.clone().unwrap_or_default(), "tag_ids": e.tag_ids,
        "billable_amount_in_cents": rate.map(|r| r.amount(seconds)),
        "hourly_rate_in_cents": rate.map(|r| r.cents),
        "currency": rate.map_or("USD", |r| r.currency.as_str()),
        "row_number": row_number,
        "time_entries": [{
            "id": e.id, "seconds": seconds, "start": local(e.start),
            "stop": stop.map(local), "at": precise(e.last_update()),
            "at_tz": local(e.last_update()),
        }],
    })
}

/// Seconds rounded up to whole `minutes`, as a user's rounding preference makes the
/// report's `seconds` (the entry's start and stop stay as recorded).
fn rounded(seconds: i64, minutes: Option<u32>) -> i64 {
    match minutes.map(|m| i64::from(m) * 60) {
        Some(step) if step > 0 => (seconds + step - 1) / step * step,
        _ => seconds,
    }
}
