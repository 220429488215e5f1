//! Arguments, comments, reactions and proposals.

use plaza_contract::{
    Argument, Comment, ContentStatus, Deliberation, NewComment, NewProposal, Page, ProblemCode,
    Proposal, ReactionState, Stance,
};

use super::{rule, Rule};
use crate::client::{ensure, Check};
use crate::fixture::{unique, Ctx};

pub fn rules() -> Vec<Rule> {
    vec![
        rule!(
            "argument.create",
            "POST …/arguments stores a visible argument and answers 201 with it",
            create
        ),
        rule!(
            "argument.plain_text",
            "User text is plain text: markup comes back as the same characters, never as HTML",
            plain_text
        ),
        rule!(
            "argument.counted",
            "A new argument is listed under its stance only, and counted in the deliberation",
            counted
        ),
        rule!(
            "argument.validation",
            "Empty, too long or control-character text is 422 validation_failed naming the field",
            validation
        ),
        rule!(
            "argument.pages",
            "Arguments page with next_cursor: every argument once, newest first with sort=recent",
            pages
        ),
        rule!(
            "argument.helpful_order",
            "sort=helpful lists the most helpful first",
            helpful_order
        ),
        rule!(
            "argument.bad_query",
            "An unknown stance or a cursor the backend did not make is a 4xx problem",
            bad_query
        ),
        rule!(
            "comment.thread",
            "Comments and replies (parent_id) are listed oldest first and counted on the argument",
            thread
        ),
        rule!(
            "comment.unknown_parent",
            "A reply to an unknown comment is a 4xx problem; to an unknown argument, 404",
            unknown_parent
        ),
        rule!(
            "reaction.idempotent",
            "PUT and DELETE of a reaction are idempotent and reflected in my_reactions",
            reactions
        )
        .not_local("needs an author and a reader, and reads by nobody: in a browser every read is its one participant's"),
        rule!(
            "reaction.unknown_kind",
            "A reaction kind that does not exist is a 4xx problem",
            unknown_kind
        ),
        rule!(
            "proposal.create",
            "POST …/proposals stores a proposal under review, listed in order",
            proposals
        ),
        rule!(
            "proposal.validation",
            "A proposal without a title is 422 validation_failed",
            proposal_validation
        ),
    ]
}

async fn create(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::Against, "  Too expensive for one street.  ")
        .await?;
    ensure(a.stance == Stance::Against, || "stance not kept".into())?;
    ensure(
        a.text.as_deref() == Some("Too expensive for one street."),
        || format!("text is {:?}", a.text),
    )?;
    ensure(a.status == ContentStatus::Visible, || {
        "a new argument is not visible".into()
    })?;
    ensure(a.deliberation_id == ctx.deliberation(), || {
        "wrong deliberation_id".into()
    })?;
    ensure(a.reactions.helpful == 0 && a.comment_count == 0, || {
        "a new argument has reactions or comments".into()
    })
}

async fn plain_text(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let text = "<script>alert('x')</script> & <b>bold</b> \"quoted\" ' OR '1'='1";
    let a = ctx.argument(&token, Stance::For, text).await?;
    ensure(a.text.as_deref() == Some(text), || {
        format!("text came back as {:?}", a.text)
    })
}

async fn counted(ctx: &Ctx) -> Check {
    let before: Deliberation = ctx
        .api
        .get(format!("/v1/deliberations/{}", ctx.deliberation()))
        .send()
        .await?
        .expect(200)?;
    let token = ctx.participant().await?;
    let a = ctx
        .argument(
            &token,
            Stance::For,
            &format!("Counted argument {}", unique("x")),
        )
        .await?;
    let after: Deliberation = ctx
        .api
        .get(format!("/v1/deliberations/{}", ctx.deliberation()))
        .send()
        .await?
        .expect(200)?;
    ensure(
        after.counts.arguments_for == before.counts.arguments_for + 1,
        || {
            format!(
                "arguments_for went from {} to {}",
                before.counts.arguments_for, after.counts.arguments_for
            )
        },
    )?;
    ensure(
        after.counts.participants > before.counts.participants,
        || "participants did not grow".into(),
    )?;
    let listed = all_arguments(ctx, "for", "recent").await?;
    ensure(listed.iter().any(|x| x.id == a.id), || {
        "not listed under its stance".into()
    })?;
    let other = all_arguments(ctx, "against", "recent").await?;
    ensure(!other.iter().any(|x| x.id == a.id), || {
        "listed under the other stance".into()
    })
}

/// Every argument of a stance, following next_cursor.
pub async fn all_arguments(ctx: &Ctx, stance: &str, sort: &str) -> Check<Vec<Argument>> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..500 {
        let mut path = format!("{}?stance={stance}&sort={sort}", ctx.arguments_path());
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Page<Argument> = ctx.api.get(path).send().await?.expect(200)?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(items),
        }
    }
    Err("next_cursor never ended".into())
}

async fn validation(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    for (text, code) in [
        ("   ".to_owned(), "required"),
        ("x".repeat(plaza_contract::MAX_TEXT_CHARS + 1), "too_long"),
        ("bell\u{7}".to_owned(), "invalid_characters"),
    ] {
        let p = ctx
            .api
            .post(ctx.arguments_path())
            .token(&token)
            .key(&unique("bad"))
            .json(&serde_json::json!({"stance": "for", "text": text}))
            .send()
            .await?
            .problem(422, ProblemCode::ValidationFailed)?;
        ensure(
            p.errors.iter().any(|e| e.field == "text" && e.code == code),
            || {
                format!(
                    "expected errors [{{field: text, code: {code}}}], got {:?}",
                    p.errors
                )
            },
        )?;
    }
    Ok(())
}

async fn pages(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let mut made = Vec::new();
    for i in 0..12 {
        made.push(
            ctx.argument(&token, Stance::Against, &format!("Paged argument {i}"))
                .await?
                .id,
        );
    }
    let listed = all_arguments(ctx, "against", "recent").await?;
    let mut ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    ensure(ids.len() == total, || {
        "an argument appeared on two pages".into()
    })?;
    ensure(made.iter().all(|m| ids.contains(&m.as_str())), || {
        "a new argument is missing from the pages".into()
    })?;
    let times: Vec<i64> = listed.iter().map(|a| a.created_at.unix_millis()).collect();
    ensure(times.windows(2).all(|w| w[0] >= w[1]), || {
        "sort=recent is not newest first".into()
    })?;
    let first: Page<Argument> = ctx
        .api
        .get(format!("{}?stance=against", ctx.arguments_path()))
        .send()
        .await?
        .expect(200)?;
    ensure(
        first.next_cursor.is_some() && first.items.len() < total,
        || format!("{total} arguments came in one page: pagination untested"),
    )
}

async fn helpful_order(ctx: &Ctx) -> Check {
    let listed = all_arguments(ctx, "for", "helpful").await?;
    let helpful: Vec<u32> = listed.iter().map(|a| a.reactions.helpful).collect();
    ensure(helpful.windows(2).all(|w| w[0] >= w[1]), || {
        format!("helpful counts in order {helpful:?}")
    })
}

async fn bad_query(ctx: &Ctx) -> Check {
    ctx.api
        .get(format!("{}?stance=sideways", ctx.arguments_path()))
        .send()
        .await?
        .client_problem()?;
    ctx.api
        .get(format!(
            "{}?cursor=%27%20OR%201%3D1%20--",
            ctx.arguments_path()
        ))
        .send()
        .await?
        .client_problem()
        .map(|_| ())
}

async fn thread(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::For, "An argument to reply to")
        .await?;
    let path = format!("/v1/arguments/{}/comments", a.id);
    let first: Comment = ctx
        .api
        .post(&path)
        .token(&token)
        .key(&unique("c"))
        .json(&NewComment {
            text: "First reply".into(),
            parent_id: None,
            lang: None,
            display_name: Some("Ana".into()),
        })
        .send()
        .await?
        .expect(201)?;
    let reply: Comment = ctx
        .api
        .post(&path)
        .token(&token)
        .key(&unique("c"))
        .json(&NewComment {
            text: "A reply to the reply".into(),
            parent_id: Some(first.id.clone()),
            lang: None,
            display_name: None,
        })
        .send()
        .await?
        .expect(201)?;
    ensure(
        reply.parent_id.as_deref() == Some(first.id.as_str()),
        || "parent_id not kept".into(),
    )?;
    ensure(first.author.display_name.as_deref() == Some("Ana"), || {
        "display_name not kept".into()
    })?;
    let page: Page<Comment> = ctx.api.get(&path).send().await?.expect(200)?;
    let ids: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    ensure(ids == [first.id.as_str(), reply.id.as_str()], || {
        format!("listed {ids:?}")
    })?;
    let listed = all_arguments(ctx, "for", "recent").await?;
    let count = listed
        .iter()
        .find(|x| x.id == a.id)
        .map(|x| x.comment_count);
    let count = count.ok_or("the argument is not listed")?;
    ensure(count == 2, || {
        format!("comment_count is {count}, expected 2")
    })
}

async fn unknown_parent(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::For, "Another argument")
        .await?;
    ctx.api
        .post(format!("/v1/arguments/{}/comments", a.id))
        .token(&token)
        .key(&unique("c"))
        .json(&NewComment {
            text: "Orphan".into(),
            parent_id: Some(unique("no-such-comment")),
            lang: None,
            display_name: None,
        })
        .send()
        .await?
        .client_problem()?;
    ctx.api
        .post(format!(
            "/v1/arguments/{}/comments",
            unique("no-such-argument")
        ))
        .token(&token)
        .key(&unique("c"))
        .json(&NewComment {
            text: "Lost".into(),
            parent_id: None,
            lang: None,
            display_name: None,
        })
        .send()
        .await?
        .problem(404, ProblemCode::NotFound)
        .map(|_| ())
}

async fn reactions(ctx: &Ctx) -> Check {
    let author = ctx.participant().await?;
    let reader = ctx.participant().await?;
    let a = ctx.argument(&author, Stance::For, "React to me").await?;
    let path = format!("/v1/arguments/{}/reactions/helpful", a.id);
    for _ in 0..2 {
        let s: ReactionState = ctx
            .api
            .put(&path)
            .token(&reader)
            .send()
            .await?
            .expect(200)?;
        ensure(s.reactions.helpful == 1, || {
            format!("helpful is {} after PUT", s.reactions.helpful)
        })?;
        ensure(
            s.my_reactions.iter().any(|r| r.as_str() == "helpful"),
            || "my_reactions lacks helpful".into(),
        )?;
    }
    let listed = all_arguments(ctx, "for", "recent").await?;
    ensure(listed.iter().all(|x| x.my_reactions.is_empty()), || {
        "my_reactions shown without a token".into()
    })?;
    let mine: Page<Argument> = ctx
        .api
        .get(format!("{}?stance=for&sort=helpful", ctx.arguments_path()))
        .token(&reader)
        .send()
        .await?
        .expect(200)?;
    if let Some(x) = mine.items.iter().find(|x| x.id == a.id) {
        ensure(!x.my_reactions.is_empty(), || {
            "my_reactions missing in the list".into()
        })?;
    }
    for _ in 0..2 {
        let s: ReactionState = ctx
            .api
            .delete(&path)
            .token(&reader)
            .send()
            .await?
            .expect(200)?;
        ensure(
            s.reactions.helpful == 0 && s.my_reactions.is_empty(),
            || "DELETE did not withdraw exactly once".into(),
        )?;
    }
    Ok(())
}

async fn unknown_kind(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx.argument(&token, Stance::For, "No love here").await?;
    ctx.api
        .put(format!("/v1/arguments/{}/reactions/love", a.id))
        .token(&token)
        .send()
        .await?
        .client_problem()
        .map(|_| ())
}

async fn proposals(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let path = format!("/v1/deliberations/{}/proposals", ctx.deliberation());
    let mut made = Vec::new();
    for title in ["A third way", "A fourth way"] {
        let p: Proposal = ctx
            .api
            .post(&path)
            .token(&token)
            .key(&unique("p"))
            .json(&NewProposal {
                title: title.into(),
                description: "With trees.".into(),
                lang: None,
                display_name: None,
            })
            .send()
            .await?
            .expect(201)?;
        ensure(p.title.as_deref() == Some(title), || {
            "title not kept".into()
        })?;
        ensure(
            p.decision == plaza_contract::ProposalDecision::UnderReview,
            || "not under review".into(),
        )?;
        made.push(p.id);
    }
    let page: Page<Proposal> = ctx.api.get(&path).send().await?.expect(200)?;
    let ids: Vec<&String> = page
        .items
        .iter()
        .filter(|p| made.contains(&p.id))
        .map(|p| &p.id)
        .collect();
    ensure(ids == made.iter().collect::<Vec<_>>(), || {
        format!("listed {ids:?}, made {made:?}")
    })
}

async fn proposal_validation(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let p = ctx
        .api
        .post(format!(
            "/v1/deliberations/{}/proposals",
            ctx.deliberation()
        ))
        .token(&token)
        .key(&unique("p"))
        .json(&serde_json::json!({"title": " ", "description": ""}))
        .send()
        .await?
        .problem(422, ProblemCode::ValidationFailed)?;
    ensure(p.errors.iter().any(|e| e.field == "title"), || {
        format!("errors {:?}", p.errors)
    })
}
