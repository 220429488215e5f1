//! Arguments, comments, reactions and proposals.

use plaza_contract::{
    Argument, Comment, ContentStatus, Deliberation, NewComment, NewProposal, Operation, Page,
    ProblemCode, Proposal, ReactionState, Stance,
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
            "argument.participants",
            "A participant's first contribution adds one to participants; more, under other display names or none, add nothing",
            participants_once
        ),
        rule!(
            "argument.validation",
            "Empty, too long or control-character text is 422 validation_failed naming the field",
            validation
        ),
        rule!(
            "argument.pages",
            "Arguments page with next_cursor: every argument once, newest first with sort=recent (posted one after the other, even within a millisecond: in reverse order of posting)",
            pages
        ),
        rule!(
            "argument.pages_stable",
            "An argument posted between two pages repeats no argument of the first on the second (the cursor marks a place, not an offset)",
            pages_stable
        ),
        rule!(
            "argument.helpful_order",
            "sort=helpful lists the most helpful first",
            helpful_order
        ),
        rule!(
            "argument.bad_query",
            "An unknown stance, a cursor the backend did not make, or one it made for another list (the other stance) is a 4xx problem",
            bad_query
        ),
        rule!(
            "comment.thread",
            "Comments and replies (parent_id) are listed oldest first and counted on the argument",
            thread
        ),
        rule!(
            "comment.blank_parent",
            "A blank parent_id answers the argument itself (stored without a parent)",
            blank_parent
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
            "reaction.order",
            "my_reactions lists each kind once, helpful before changed_my_mind, whatever order they were given in",
            reaction_order
        ),
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
        rule!(
            "input.language_tag",
            "The lang of an argument, reply or proposal is a language tag: `<script>` is 422 naming lang",
            language_tag
        ),
        rule!(
            "list.limit",
            "?limit=N gives at most N items; outside 1…100 it is 422",
            list_limit
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
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
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
        .op(Operation::GetDeliberation, &[&ctx.deliberation()])
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
        let page: Page<Argument> = ctx
            .api
            .op_query(
                Operation::ListArguments,
                &[&ctx.deliberation()],
                &[
                    ("stance", Some(stance)),
                    ("sort", Some(sort)),
                    ("cursor", cursor.as_deref()),
                ],
            )
            .send()
            .await?
            .expect(200)?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(items),
        }
    }
    Err("next_cursor never ended".into())
}

async fn participants_once(ctx: &Ctx) -> Check {
    let participants = || async {
        ctx.api
            .op(Operation::GetDeliberation, &[&ctx.deliberation()])
            .send()
            .await?
            .expect::<Deliberation>(200)
            .map(|d| d.counts.participants)
    };
    let argue = |token: String, name: Option<&'static str>| async move {
        ctx.api
            .op(Operation::CreateArgument, &[&ctx.deliberation()])
            .token(&token)
            .key(&unique("arg"))
            .json(&plaza_contract::NewArgument {
                stance: Stance::Against,
                text: format!("Counted once {}", unique("x")),
                lang: None,
                display_name: name.map(str::to_owned),
            })
            .send()
            .await?
            .expect::<Argument>(201)
    };
    let before = participants().await?;
    let token = ctx.participant().await?;
    let first = argue(token.clone(), Some("First name")).await?;
    let joined = participants().await?;
    // In a browser (api="local") the kit's participant is the page's one,
    // which earlier rules made a contributor already.
    let expected = if ctx.local {
        before..=before + 1
    } else {
        before + 1..=before + 1
    };
    ensure(expected.contains(&joined), || {
        format!("participants went from {before} to {joined} with one new contributor")
    })?;
    argue(token.clone(), Some("Second name")).await?;
    argue(token.clone(), None).await?;
    ctx.api
        .op(Operation::CreateComment, &[&first.id])
        .token(&token)
        .key(&unique("c"))
        .json(&NewComment {
            text: "My own reply".into(),
            parent_id: None,
            lang: None,
            display_name: Some("Third name".into()),
        })
        .send()
        .await?
        .expect::<Comment>(201)?;
    let after = participants().await?;
    ensure(after == joined, || {
        format!("participants went from {joined} to {after} as the same participant contributed again under other names")
    })
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
            .op(Operation::CreateArgument, &[&ctx.deliberation()])
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
    let ours: Vec<&str> = listed
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| made.iter().any(|m| m == id))
        .collect();
    let newest_first: Vec<&str> = made.iter().rev().map(String::as_str).collect();
    ensure(ours == newest_first, || {
        format!("sort=recent lists arguments posted one after the other as {ours:?}, not in reverse order of posting {newest_first:?}")
    })?;
    let first: Page<Argument> = ctx
        .api
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("stance", Some("against"))],
        )
        .send()
        .await?
        .expect(200)?;
    ensure(
        first.next_cursor.is_some() && first.items.len() < total,
        || format!("{total} arguments came in one page: pagination untested"),
    )
}

async fn pages_stable(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    for i in 0..3 {
        ctx.argument(&token, Stance::Against, &format!("Before the pages {i}"))
            .await?;
    }
    let page = |cursor: Option<String>| async move {
        ctx.api
            .op_query(
                Operation::ListArguments,
                &[&ctx.deliberation()],
                &[
                    ("stance", Some("against")),
                    ("sort", Some("recent")),
                    ("limit", Some("2")),
                    ("cursor", cursor.as_deref()),
                ],
            )
            .send()
            .await?
            .expect::<Page<Argument>>(200)
    };
    let first = page(None).await?;
    ctx.argument(&token, Stance::Against, "Posted between two pages")
        .await?;
    let second = page(first.next_cursor.clone()).await?;
    ensure(
        first.next_cursor.is_some() && !second.items.is_empty(),
        || "three arguments against came in one page of two".into(),
    )?;
    let again: Vec<&str> = second
        .items
        .iter()
        .filter(|a| first.items.iter().any(|f| f.id == a.id))
        .map(|a| a.id.as_str())
        .collect();
    ensure(again.is_empty(), || {
        format!("the second page repeats {again:?} from the first")
    })
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
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("stance", Some("sideways"))],
        )
        .send()
        .await?
        .client_problem()?;
    ctx.api
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("cursor", Some("' OR 1=1 --"))],
        )
        .send()
        .await?
        .client_problem()?;
    // A place in the arguments for is no place among those against.
    let token = ctx.participant().await?;
    for text in ["One of two to page through", "Two of two to page through"] {
        ctx.argument(&token, Stance::For, text).await?;
    }
    let list = |stance: &'static str, cursor: Option<String>| async move {
        ctx.api
            .op_query(
                Operation::ListArguments,
                &[&ctx.deliberation()],
                &[
                    ("stance", Some(stance)),
                    ("limit", Some("1")),
                    ("cursor", cursor.as_deref()),
                ],
            )
            .send()
            .await
    };
    let first: Page<Argument> = list("for", None).await?.expect(200)?;
    let cursor = first
        .next_cursor
        .ok_or("a page of one of two arguments for has no next_cursor")?;
    list("against", Some(cursor))
        .await?
        .client_problem()
        .map(|_| ())
}

async fn thread(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::For, "An argument to reply to")
        .await?;

    let first: Comment = ctx
        .api
        .op(Operation::CreateComment, &[&a.id])
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
        .op(Operation::CreateComment, &[&a.id])
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
    let page: Page<Comment> = ctx
        .api
        .op(Operation::ListComments, &[&a.id])
        .send()
        .await?
        .expect(200)?;
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
        .op(Operation::CreateComment, &[&a.id])
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
        .op(Operation::CreateComment, &[&unique("no-such-argument")])
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

    for _ in 0..2 {
        let s: ReactionState = ctx
            .api
            .op(Operation::PutReaction, &[&a.id, "helpful"])
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
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("stance", Some("for")), ("sort", Some("helpful"))],
        )
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
            .op(Operation::DeleteReaction, &[&a.id, "helpful"])
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

async fn reaction_order(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx.argument(&token, Stance::For, "React twice").await?;
    let expected = ["helpful", "changed_my_mind"];
    let names = |mine: &[plaza_contract::ReactionKind]| -> Vec<&'static str> {
        mine.iter().map(|k| k.as_str()).collect()
    };
    let mut last = None;
    for kind in ["changed_my_mind", "helpful", "changed_my_mind"] {
        let s: ReactionState = ctx
            .api
            .op(Operation::PutReaction, &[&a.id, kind])
            .token(&token)
            .send()
            .await?
            .expect(200)?;
        last = Some(s);
    }
    let answered = last.map(|s| names(&s.my_reactions)).unwrap_or_default();
    ensure(answered == expected, || {
        format!("the PUT answered my_reactions {answered:?}, not {expected:?}")
    })?;
    let read: Argument = ctx
        .api
        .op(Operation::GetArgument, &[&a.id])
        .token(&token)
        .send()
        .await?
        .expect(200)?;
    let read = names(&read.my_reactions);
    ensure(read == expected, || {
        format!("the argument reads my_reactions {read:?}, not {expected:?}")
    })
}

async fn unknown_kind(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx.argument(&token, Stance::For, "No love here").await?;
    ctx.api
        .op(Operation::PutReaction, &[&a.id, "love"])
        .token(&token)
        .send()
        .await?
        .client_problem()
        .map(|_| ())
}

async fn proposals(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;

    let mut made = Vec::new();
    for title in ["A third way", "A fourth way"] {
        let p: Proposal = ctx
            .api
            .op(Operation::CreateProposal, &[&ctx.deliberation()])
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
    let page: Page<Proposal> = ctx
        .api
        .op(Operation::ListProposals, &[&ctx.deliberation()])
        .send()
        .await?
        .expect(200)?;
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
    ctx.api
        .op(Operation::CreateProposal, &[&ctx.deliberation()])
        .token(&token)
        .key(&unique("p"))
        .json(&serde_json::json!({"title": " ", "description": ""}))
        .send()
        .await?
        .invalid_field("title")
        .map(drop)
}

async fn blank_parent(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::Against, "Reply to me directly")
        .await?;
    let c: Comment = ctx
        .api
        .op(Operation::CreateComment, &[&a.id])
        .token(&token)
        .key(&unique("c"))
        .json(&serde_json::json!({"text": "Straight to the argument", "parent_id": "  "}))
        .send()
        .await?
        .expect(201)?;
    ensure(c.parent_id.is_none(), || {
        format!("stored with parent_id {:?}", c.parent_id)
    })
}

async fn language_tag(ctx: &Ctx) -> Check {
    let token = ctx.participant().await?;
    let a = ctx
        .argument(&token, Stance::For, "An argument in English")
        .await?;
    for (op, id, body) in [
        (
            Operation::CreateArgument,
            ctx.deliberation(),
            serde_json::json!({"stance": "for", "text": "x", "lang": "<script>"}),
        ),
        (
            Operation::CreateComment,
            a.id.clone(),
            serde_json::json!({"text": "x", "lang": "fr; DROP TABLE comments"}),
        ),
        (
            Operation::CreateProposal,
            ctx.deliberation(),
            serde_json::json!({"title": "x", "lang": "en_US"}),
        ),
    ] {
        ctx.api
            .op(op, &[&id])
            .token(&token)
            .key(&unique("lang"))
            .json(&body)
            .send()
            .await?
            .invalid_field("lang")?;
    }
    // A real tag is kept.
    let kept = ctx
        .api
        .op(Operation::CreateComment, &[&a.id])
        .token(&token)
        .key(&unique("lang"))
        .json(&serde_json::json!({"text": "Grüezi", "lang": "de-CH"}))
        .send()
        .await?
        .expect::<Comment>(201)?;
    ensure(kept.lang.as_deref() == Some("de-CH"), || {
        format!("lang came back as {:?}", kept.lang)
    })
}

async fn list_limit(ctx: &Ctx) -> Check {
    let page: Page<Argument> = ctx
        .api
        .op_query(
            Operation::ListArguments,
            &[&ctx.deliberation()],
            &[("limit", Some("2"))],
        )
        .send()
        .await?
        .expect(200)?;
    ensure(page.items.len() == 2 && page.next_cursor.is_some(), || {
        format!(
            "limit=2 gave {} items (next_cursor {:?})",
            page.items.len(),
            page.next_cursor
        )
    })?;
    for bad in ["0", "101", "ten"] {
        ctx.api
            .op_query(
                Operation::ListArguments,
                &[&ctx.deliberation()],
                &[("limit", Some(bad))],
            )
            .send()
            .await?
            .problem(422, ProblemCode::ValidationFailed)?;
    }
    Ok(())
}
