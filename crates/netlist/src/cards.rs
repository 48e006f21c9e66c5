//! Stage 2: logical cards to AST items.
//!
//! Each card is split into [`tokens`](crate::tokens) and dispatched on its first word: an
//! element letter (`r1`, `vin`, `xamp`, ...) or a dot-card (`.param`, `.subckt`, `.tran`, ...).
//! `.subckt`/`.ends` nesting is resolved here into [`SubcktDef::items`]. Line-level cards
//! (`.include`, `.lib`, `.control`, `.end`) never get here: [`crate::lines`] handled them.

use crate::ast::*;
use crate::error::ParseError;
use crate::expr::{parse_behavioral, parse_expr_all, parse_expr_prefix};
use crate::lines::Card;
use crate::number::{parse_number, parse_number_prefix};
use crate::span::Span;
use crate::tokens::{tokenize, Tok, TokKind};
use std::cell::RefCell;
use std::collections::HashMap;

#[path = "meas_card.rs"]
mod meas_card;

type PResult<T> = Result<T, ParseError>;

/// Dot-cards accepted and ignored without a warning (output requests and the like).
const SILENT_CARDS: &[&str] = &[".probe", ".width", ".end"];

/// Words that start a part of an independent source specification.
const SOURCE_KEYWORDS: &[&str] = &[
    "dc", "ac", "sin", "pulse", "pwl", "exp", "sffm", "am", "trnoise", "trrandom",
];

/// The RF port keywords of a `V` source (ngspice's `portnum`, `z0`, `pwr`, `freq`, `phase`).
const PORT_KEYWORDS: &[&str] = &["portnum", "z0", "pwr", "freq", "phase"];

/// The distortion inputs of ngspice's `.disto` (`DISTOF1 [mag [phase]]`): read and skipped.
const DISTORTION_INPUTS: &[&str] = &["distof1", "distof2"];

/// The message for a word that starts like a number but is not one; the European resistor
/// notation (`4k7`, `2r2`) gets a hint, as the simulators disagree on it (ngspice 39 reads
/// `4k7` as 4k, LTspice as 4.7k).
fn invalid_number(s: &str) -> String {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let european = ["meg", "k", "r", "m", "u", "n", "p", "g", "t"]
        .iter()
        .find_map(|unit| {
            let (int, frac) = s.split_once(unit)?;
            (digits(int) && digits(frac)).then_some((int, *unit, frac))
        });
    match european {
        Some((int, unit, frac)) => {
            let unit = if unit == "r" { "" } else { unit };
            format!("invalid number '{s}' (write {int}.{frac}{unit}: ngspice would read '{s}' as {int}{unit})")
        }
        None => format!("invalid number '{s}'"),
    }
}

/// The warning for a word read as the number at its start (see [`parse_number_prefix`]).
fn number_prefix_warning(s: &str, len: usize) -> String {
    let (read, rest) = s.split_at(len);
    let hint = match invalid_number(s).split_once(" (write ") {
        Some((_, h)) => format!("; write {}", h.split_once(':').map_or(h, |(w, _)| w)),
        None => String::new(),
    };
    format!("'{s}' read as {read} (the rest, '{rest}', is ignored, as ngspice 39 ignores it{hint})")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A card being parsed: its text, tokens and a read position.
struct Cursor<'c> {
    card: &'c Card,
    toks: Vec<Tok>,
    pos: usize,
    /// Findings that do not stop the card (a number read as ngspice reads it).
    warnings: RefCell<Vec<Warning>>,
}

impl<'c> Cursor<'c> {
    fn new(card: &'c Card) -> PResult<Self> {
        let toks = tokenize(&card.lower).map_err(|e| ParseError::Syntax {
            span: card.span(e.start, e.start + 1),
            message: e.message,
        })?;
        Ok(Cursor {
            card,
            toks,
            pos: 0,
            warnings: RefCell::new(Vec::new()),
        })
    }

    fn text(&self, t: Tok) -> &'c str {
        &self.card.lower[t.start..t.end]
    }

    fn span(&self, t: Tok) -> Span {
        self.card.span(t.start, t.end)
    }

    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<Tok> {
        self.toks.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<Tok> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// Where to point when something is missing at the end of the card: the element's name for
    /// an element card (`R1 in out` missing its value points at `R1`, not past the line's end),
    /// the end of the card for a dot-card (`.ac dec 10` missing its frequencies).
    fn missing_span(&self) -> Span {
        match self.toks.first() {
            Some(&t) if !self.card.keyword().starts_with('.') => self.span(t),
            _ => self.card.end_span(),
        }
    }

    /// Span of the current token, or [`Self::missing_span`] when there is none.
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => self.span(t),
            None => self.missing_span(),
        }
    }

    fn error<T>(&self, span: Span, message: impl Into<String>) -> PResult<T> {
        Err(ParseError::Syntax {
            span,
            message: message.into(),
        })
    }

    fn ident(&self, t: Tok) -> Ident {
        Ident {
            name: self.text(t).to_string(),
            span: self.span(t),
        }
    }

    /// Is the current token a word followed by `=` (a `name=value` parameter)?
    fn at_param(&self) -> bool {
        matches!(
            (self.peek(), self.peek_at(1)),
            (
                Some(Tok {
                    kind: TokKind::Word,
                    ..
                }),
                Some(Tok {
                    kind: TokKind::Eq,
                    ..
                })
            )
        )
    }

    /// Can token `t` be read as a value (number, `{expr}`, `'expr'`, identifier)?
    fn is_value(&self, t: Tok) -> bool {
        match t.kind {
            TokKind::Brace | TokKind::Quote => true,
            TokKind::Word => {
                let s = self.text(t);
                parse_number(s).is_some() || is_identifier(s)
            }
            _ => false,
        }
    }

    /// Parses the expression inside a `{...}` or `'...'` token.
    fn group_value(&self, t: Tok) -> PResult<Value> {
        let inner_start = t.start + 1;
        let inner = &self.card.lower[inner_start..t.end - 1];
        match parse_expr_all(inner) {
            Ok(expr) => Ok(Value {
                expr,
                span: self.span(t),
            }),
            Err(e) => {
                let at = inner_start + e.offset;
                self.error(self.card.span(at, at + 1), e.message)
            }
        }
    }

    /// Reads token `t` as a value; `what` names what was expected (for the message).
    fn value_of(&self, t: Tok, what: impl std::fmt::Display) -> PResult<Value> {
        match t.kind {
            TokKind::Brace | TokKind::Quote => self.group_value(t),
            TokKind::Word => {
                let s = self.text(t);
                let expr = if let Some(v) = parse_number(s) {
                    Expr::Num(v)
                } else if is_identifier(s) {
                    Expr::Var(s.to_string())
                } else if let Some((v, len)) = parse_number_prefix(s) {
                    self.warnings.borrow_mut().push(Warning {
                        span: self.span(t),
                        message: number_prefix_warning(s, len),
                    });
                    Expr::Num(v)
                } else if s
                    .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | '+' | '-'))
                {
                    return self.error(self.span(t), invalid_number(s));
                } else {
                    return self.error(
                        self.span(t),
                        format!("expected {what}, found '{s}' (write expressions inside {{...}})"),
                    );
                };
                Ok(Value {
                    expr,
                    span: self.span(t),
                })
            }
            _ => self.error(
                self.span(t),
                format!("expected {what}, found '{}'", self.text(t)),
            ),
        }
    }

    /// Reads the next token as a value, or fails at the end of the card.
    fn expect_value(&mut self, what: impl std::fmt::Display) -> PResult<Value> {
        match self.bump() {
            Some(t) => self.value_of(t, what),
            None => self.error(self.missing_span(), format!("expected {what}")),
        }
    }

    /// Reads the next token as a name (node, model, source...).
    fn expect_word(&mut self, what: impl std::fmt::Display) -> PResult<Ident> {
        match self.bump() {
            Some(t) if t.kind == TokKind::Word => Ok(self.ident(t)),
            Some(t) => self.error(
                self.span(t),
                format!("expected {what}, found '{}'", self.text(t)),
            ),
            None => self.error(self.missing_span(), format!("expected {what}")),
        }
    }

    /// Reads `name=value` at the current position (the caller checked [`Self::at_param`]).
    fn param(&mut self) -> PResult<Param> {
        let (Some(name_tok), Some(_eq)) = (self.bump(), self.bump()) else {
            return self.error(self.here(), "expected name=value");
        };
        let name = self.ident(name_tok);
        if self.at_end() {
            // `r=` at the end of the card: point at the parameter, not at the card's start.
            return self.error(name.span, format!("expected a value for '{}'", name.name));
        }
        if name.name == "tol" {
            if let Some(value) = self.percent() {
                return Ok(Param { name, value });
            }
        }
        let value = self.expect_value(format_args!("a value for '{}'", name.name))?;
        Ok(Param { name, value })
    }

    /// A percentage literal (`0.1%`, `5%`) at the current position, read as a fraction
    /// (`0.001`, `0.05`) and consumed; `None` (nothing consumed) for anything else.
    fn percent(&mut self) -> Option<Value> {
        let t = self.peek()?;
        if t.kind != TokKind::Word {
            return None;
        }
        let v = parse_number(self.text(t).strip_suffix('%')?)?;
        self.bump();
        Some(Value {
            expr: Expr::Num(v / 100.0),
            span: self.span(t),
        })
    }

    /// Splits the rest of the card into positional tokens and `name=value` parameters.
    /// Commas between parameters are skipped; `params:` is skipped when `allow_params_kw`.
    fn fields(&mut self, allow_params_kw: bool) -> PResult<(Vec<Tok>, Vec<Param>)> {
        let mut positional = Vec::new();
        let mut params = Vec::new();
        while let Some(t) = self.peek() {
            if self.at_param() {
                if allow_params_kw && self.text(t) == "params:" {
                    self.bump();
                    continue;
                }
                params.push(self.param()?);
                continue;
            }
            match t.kind {
                TokKind::Word if allow_params_kw && self.text(t) == "params:" => {
                    self.bump();
                }
                TokKind::Word | TokKind::Brace | TokKind::Quote => {
                    if !params.is_empty() {
                        return self.error(
                            self.span(t),
                            format!(
                                "expected name=value after parameters, found '{}'",
                                self.text(t)
                            ),
                        );
                    }
                    positional.push(t);
                    self.bump();
                }
                TokKind::Comma if !params.is_empty() => {
                    self.bump();
                }
                _ => {
                    return self.error(self.span(t), format!("unexpected '{}'", self.text(t)));
                }
            }
        }
        Ok((positional, params))
    }

    /// Consumes an `=` at the current position, if there is one (`dc=5` read as `dc 5`).
    fn skip_eq(&mut self) {
        if self.peek().is_some_and(|t| t.kind == TokKind::Eq) {
            self.bump();
        }
    }

    /// Reads positional token `t` as a node name.
    fn node(&self, t: Tok) -> PResult<Node> {
        if t.kind == TokKind::Word {
            Ok(self.ident(t))
        } else {
            self.not_a_node(t)
        }
    }

    fn not_a_node<T>(&self, t: Tok) -> PResult<T> {
        self.error(
            self.span(t),
            format!("expected a node name, found '{}'", self.text(t)),
        )
    }

    /// The first `N` of `toks` as nodes (the caller checked there are `N`).
    fn nodes<const N: usize>(&self, toks: &[Tok]) -> PResult<[Node; N]> {
        let toks = &toks[..N];
        if let Some(&t) = toks.iter().find(|t| t.kind != TokKind::Word) {
            return self.not_a_node(t);
        }
        Ok(std::array::from_fn(|i| self.ident(toks[i])))
    }

    /// Error for a token after the expected fields.
    /// Ok at the end of the card; otherwise the first word left over is an error.
    fn end(&self, element: &str) -> PResult<()> {
        match self.peek() {
            Some(t) => self.extra(t, element),
            None => Ok(()),
        }
    }

    fn extra<T>(&self, t: Tok, element: &str) -> PResult<T> {
        self.error(
            self.span(t),
            format!("unexpected '{}' in '{element}'", self.text(t)),
        )
    }
}

/// An open `.subckt` while its body is read.
struct OpenSubckt {
    def: SubcktDef,
    card_span: Span,
}

/// Builds items from cards, resolving `.subckt` nesting.
pub(crate) struct Builder {
    top: Vec<Item>,
    open: Vec<OpenSubckt>,
    pub warnings: Vec<Warning>,
    /// PSpice `AKO` models (card span) and the model each is "a kind of".
    ako: HashMap<Span, Ident>,
    /// The `.if` cards not yet closed by an `.endif`, innermost last, and whether each has had
    /// its `.else`.
    open_ifs: Vec<(Span, bool)>,
    /// `par('...')` calls in `.meas` cards so far (ngspice numbers their nodes `pa_00`, ...).
    par_calls: usize,
}

impl Builder {
    /// A builder whose top level has room for `items` items.
    pub(crate) fn with_capacity(items: usize) -> Self {
        Builder {
            top: Vec::with_capacity(items),
            open: Vec::new(),
            warnings: Vec::new(),
            ako: HashMap::new(),
            open_ifs: Vec::new(),
            par_calls: 0,
        }
    }

    fn push(&mut self, item: Item) {
        match self.open.last_mut() {
            Some(o) => o.def.items.push(item),
            None => self.top.push(item),
        }
    }

    /// Adds card `card`, whose element (when it is an element card) was already parsed by
    /// [`parse_element_card`] — possibly on another thread, since that needs no context.
    pub(crate) fn add(&mut self, card: &Card, element: Option<ParsedElement>) -> PResult<()> {
        match element {
            Some((element, warnings)) => {
                self.push(Item::Element(element?));
                self.warnings.extend(warnings);
                Ok(())
            }
            None => {
                let keyword = card.keyword().to_string();
                self.dot_card(card, &keyword)
            }
        }
    }

    /// Ends the netlist: every `.subckt` must have been closed.
    pub(crate) fn finish(mut self) -> PResult<(Vec<Item>, Vec<Warning>)> {
        if let Some(o) = self.open.last() {
            return Err(ParseError::Unbalanced {
                span: o.card_span,
                message: format!("'.subckt {}' has no matching '.ends'", o.def.name.name),
            });
        }
        if let Some(&(span, _)) = self.open_ifs.last() {
            return Err(ParseError::Unbalanced {
                span,
                message: "'.if' has no matching '.endif'".to_string(),
            });
        }
        if !self.ako.is_empty() {
            resolve_ako(&mut self.top, &self.ako)?;
        }
        Ok((self.top, self.warnings))
    }

    fn dot_card(&mut self, card: &Card, keyword: &str) -> PResult<()> {
        if SILENT_CARDS.contains(&keyword) {
            return Ok(());
        }
        let mut cur = Cursor::new(card)?;
        cur.bump();
        let result = self.dot_card_items(&mut cur, card, keyword);
        self.warnings.extend(cur.warnings.take());
        result
    }

    fn dot_card_items(&mut self, cur: &mut Cursor, card: &Card, keyword: &str) -> PResult<()> {
        // `.if(cond)` without a blank is `.if (cond)`.
        let keyword = match keyword.split('(').next() {
            Some(k @ (".if" | ".elseif")) => k,
            _ => keyword,
        };
        // ngspice takes any keyword starting `.four` (`.fourier`) as a Fourier card.
        let keyword = if keyword.starts_with(".four") {
            ".four"
        } else {
            keyword
        };
        if matches!(keyword, ".meas" | ".measure" | ".step" | ".four") && !self.open.is_empty() {
            return cur.error(
                card.span(0, keyword.len()),
                format!("'{keyword}' must be at the top level, not inside a '.subckt'"),
            );
        }
        let item = match keyword {
            ".param" => Item::Params(params_card(cur)?),
            ".if" | ".elseif" | ".else" | ".endif" => {
                Item::Conditional(Box::new(self.conditional(card, keyword)?))
            }
            ".func" => Item::Func(func_card(cur)?),
            ".subckt" => {
                let def = subckt_header(cur)?;
                self.open.push(OpenSubckt {
                    def,
                    card_span: card.full_span(),
                });
                return Ok(());
            }
            ".ends" => {
                if let Some(t) = cur.peek_at(1) {
                    return cur.extra(t, ".ends");
                }
                let Some(mut open) = self.open.pop() else {
                    return Err(ParseError::Unbalanced {
                        span: card.full_span(),
                        message: "'.ends' without a matching '.subckt'".to_string(),
                    });
                };
                let end = card.full_span();
                if end.file == open.def.span.file && end.end >= open.def.span.start {
                    open.def.span.end = end.end;
                }
                Item::Subckt(open.def)
            }
            ".model" => {
                let (model, ako) = model_card(cur)?;
                if let Some(base) = ako {
                    self.ako.insert(model.span, base);
                }
                Item::Model(model)
            }
            ".options" | ".option" | ".opt" => Item::Options(options_card(cur)?),
            ".global" => {
                let mut nodes = Vec::new();
                while !cur.at_end() {
                    nodes.push(cur.expect_word("a node name")?);
                }
                Item::Global(nodes)
            }
            ".ic" => Item::Ic(ic_card(cur)?),
            ".print" | ".plot" => match print_card(cur, keyword, &mut self.warnings) {
                Some(c) => Item::Print(Box::new(c)),
                None => return Ok(()),
            },
            ".save" => match save_card(cur, &mut self.warnings)? {
                Some(items) => Item::Save(items),
                None => return Ok(()),
            },
            ".temp" => {
                let v = cur.expect_value("a temperature")?;
                cur.end(".temp")?;
                Item::Temp(v)
            }
            ".op" => {
                cur.end(".op")?;
                Item::Analysis(Box::new(Analysis::Op {
                    span: card.full_span(),
                }))
            }
            ".dc" => Item::Analysis(Box::new(dc_card(cur)?)),
            ".ac" => Item::Analysis(Box::new(ac_card(cur)?)),
            ".tran" => Item::Analysis(Box::new(tran_card(cur)?)),
            ".noise" => Item::Analysis(Box::new(noise_card(cur)?)),
            ".tf" => Item::Analysis(Box::new(tf_card(cur)?)),
            ".sens" => Item::Analysis(Box::new(sens_card(cur)?)),
            ".pz" => Item::Analysis(Box::new(pz_card(cur)?)),
            ".sp" => Item::Analysis(Box::new(sp_card(cur)?)),
            ".cmrr" => Item::Measure(Box::new(cmrr_card(cur)?)),
            ".xtalk" => Item::Measure(Box::new(xtalk_card(cur)?)),
            ".hum" => Item::Measure(Box::new(hum_card(cur)?)),
            ".mc" => Item::MonteCarlo(Box::new(mc_card(cur)?)),
            ".meas" | ".measure" => match meas_card::meas_card(cur) {
                Ok(m) => {
                    let sources = self.par_sources(cur, m.analysis);
                    self.push(Item::Meas(Box::new(m)));
                    for b in sources {
                        self.push(Item::Element(b));
                    }
                    return Ok(());
                }
                // ngspice 39 reports a `.meas` it cannot read as a failed measure and runs
                // the rest (`examples/measure/buggy-meas-tran.sp`).
                Err(e) => {
                    let name = card.lower.split_whitespace().nth(2).unwrap_or("");
                    self.warnings.push(Warning {
                        span: e.span().unwrap_or_else(|| card.full_span()),
                        message: format!("measure '{name}' failed: {e}; the card is ignored"),
                    });
                    return Ok(());
                }
            },
            ".step" => Item::Step(Box::new(meas_card::step_card(cur)?)),
            ".four" => Item::Four(Box::new(meas_card::four_card(cur)?)),
            _ => {
                self.warnings.push(Warning {
                    span: card.span(0, keyword.len()),
                    message: format!("unknown control card '{keyword}' ignored"),
                });
                return Ok(());
            }
        };
        self.push(item);
        Ok(())
    }
}

impl Builder {
    /// An `.if (cond)`, `.elseif (cond)`, `.else` or `.endif` card, checked against the open
    /// `.if`s. The condition is the text between the card's first `(` and its last `)`, as
    /// ngspice takes it; numparam's `=` (equality) and `<>` (inequality) are read as `==`, `!=`.
    fn conditional(&mut self, card: &Card, keyword: &str) -> PResult<Conditional> {
        let span = card.full_span();
        let unbalanced = |message: String| Err(ParseError::Unbalanced { span, message });
        let kind = match keyword {
            ".if" | ".elseif" => {
                if keyword == ".elseif" {
                    match self.open_ifs.last() {
                        None => return unbalanced("'.elseif' without a matching '.if'".into()),
                        Some((_, true)) => {
                            return unbalanced("'.elseif' after the '.else' of its '.if'".into())
                        }
                        Some(_) => {}
                    }
                }
                let text = &card.lower;
                let (Some(open), Some(close)) = (text.find('('), text.rfind(')')) else {
                    return Err(ParseError::Syntax {
                        span,
                        message: format!("expected '{keyword} (condition)'"),
                    });
                };
                let after_keyword = text.find(keyword).map_or(0, |i| i + keyword.len());
                if close < open
                    || open < after_keyword
                    || !text[after_keyword..open].trim().is_empty()
                {
                    return Err(ParseError::Syntax {
                        span,
                        message: format!("expected '{keyword} (condition)'"),
                    });
                }
                let expr =
                    parse_expr_all(&numparam_comparisons(&text[open + 1..close])).map_err(|e| {
                        ParseError::Syntax {
                            span: card.span(open + 1, close),
                            message: format!("in the condition of '{keyword}': {}", e.message),
                        }
                    })?;
                let value = Value {
                    expr,
                    span: card.span(open + 1, close),
                };
                if keyword == ".if" {
                    self.open_ifs.push((span, false));
                    ConditionalKind::If(value)
                } else {
                    ConditionalKind::ElseIf(value)
                }
            }
            ".else" => match self.open_ifs.last_mut() {
                None => return unbalanced("'.else' without a matching '.if'".into()),
                Some((_, true)) => return unbalanced("a second '.else' for one '.if'".into()),
                Some((_, has_else)) => {
                    *has_else = true;
                    ConditionalKind::Else
                }
            },
            _ => {
                if self.open_ifs.pop().is_none() {
                    return unbalanced("'.endif' without a matching '.if'".into());
                }
                ConditionalKind::EndIf
            }
        };
        Ok(Conditional { kind, span })
    }
}

/// `text` with numparam's lone `=` written `==` and `<>` written `!=`.
fn numparam_comparisons(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        if c == '=' && !"=!<>".contains(prev) && next != '=' {
            out.push_str("==");
        } else if c == '<' && next == '>' {
            out.push_str("!=");
            chars.next();
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

impl Builder {
    /// The B sources ngspice 39 adds for the `par('expr')` calls of a `.meas` card
    /// (`inp_compat` in `inpcom.c`): `bpa_NN pa_NN 0 v = expr`, numbered in file order, so
    /// `v(pa_NN)` and `i(bpa_NN)` are written with the analysis' vectors. Only for `.meas tran`
    /// and `.meas dc`: an AC or noise `par()` uses functions of complex vectors (`vdb`, `vm`)
    /// that a B source does not have, so balun evaluates those on the vectors only (the
    /// number is still used, as ngspice uses it).
    /// An expression a B source cannot read gets no source (the measure still reads it).
    fn par_sources(&mut self, cur: &Cursor, analysis: MeasAnalysis) -> Vec<Element> {
        let mut out = Vec::new();
        let toks = &cur.toks;
        for (i, t) in toks.iter().enumerate() {
            let quoted = match (toks.get(i + 1), toks.get(i + 2)) {
                (Some(l), Some(q))
                    if t.kind == TokKind::Word
                        && cur.text(*t) == "par"
                        && l.kind == TokKind::LParen
                        && matches!(q.kind, TokKind::Quote | TokKind::Brace) =>
                {
                    *q
                }
                _ => continue,
            };
            let k = self.par_calls;
            self.par_calls += 1;
            if !matches!(analysis, MeasAnalysis::Tran | MeasAnalysis::Dc) {
                continue;
            }
            let Ok((expr, names, text)) = behavioral_expr(cur, quoted.start, quoted.end) else {
                continue;
            };
            let span = cur.span(quoted);
            let ident = |name: String| Ident { name, span };
            out.push(Element {
                name: ident(format!("bpa_{k:02}")),
                kind: ElementKind::Behavioral {
                    nodes: [ident(format!("pa_{k:02}")), ident("0".to_string())],
                    voltage: true,
                    form: BehavioralForm::B,
                    expr,
                    names,
                    text,
                },
                span: cur.card.full_span(),
            });
        }
        out
    }
}

/// `.param a=1 b = {a*2} c='a+1' d = a + 1`: right-hand sides are expressions even unbraced.
fn params_card(cur: &mut Cursor) -> PResult<Vec<Param>> {
    let mut params = Vec::new();
    while let Some(t) = cur.bump() {
        if t.kind == TokKind::Comma {
            continue;
        }
        let s = cur.text(t);
        if t.kind != TokKind::Word || !is_identifier(s) {
            return cur.error(
                cur.span(t),
                format!("expected a parameter name, found '{s}'"),
            );
        }
        let name = cur.ident(t);
        match cur.bump() {
            Some(eq) if eq.kind == TokKind::Eq => {}
            Some(other) => {
                return cur.error(
                    cur.span(other),
                    format!(
                        "expected '=' after parameter '{s}', found '{}'",
                        cur.text(other)
                    ),
                )
            }
            None => {
                return cur.error(
                    cur.missing_span(),
                    format!("expected '=' after parameter '{s}'"),
                )
            }
        }
        let what = format!("a value for parameter '{s}'");
        let Some(v) = cur.peek() else {
            return cur.error(cur.missing_span(), format!("expected {what}"));
        };
        if matches!(v.kind, TokKind::Brace | TokKind::Quote) {
            cur.bump();
            let value = cur.group_value(v)?;
            params.push(Param { name, value });
            continue;
        }
        let text = &cur.card.lower[v.start..];
        let (expr, used) = parse_expr_prefix(text).map_err(|e| ParseError::Syntax {
            span: cur.card.span(v.start + e.offset, v.start + e.offset + 1),
            message: e.message,
        })?;
        let end = v.start + used;
        if let Some(c) = cur.card.lower[end..].chars().next() {
            if !c.is_whitespace() && c != ',' {
                return cur.error(
                    cur.card.span(end, end + c.len_utf8()),
                    format!("expected an operator in expression, found '{c}'"),
                );
            }
        }
        while cur.peek().is_some_and(|t| t.start < end) {
            cur.bump();
        }
        params.push(Param {
            name,
            value: Value {
                expr,
                span: cur.card.span(v.start, end),
            },
        });
    }
    if params.is_empty() {
        return cur.error(cur.missing_span(), "expected name=value after '.param'");
    }
    Ok(params)
}

/// `.func NAME(ARG, ...) BODY` where BODY is `{expr}`, `'expr'`, `= expr`, `= {expr}` or a bare
/// expression to the end of the card (ngspice's and PSpice's forms).
fn func_card(cur: &mut Cursor) -> PResult<FuncDef> {
    let name = cur.expect_word("a function name after '.func'")?;
    if !is_identifier(&name.name) {
        return cur.error(
            name.span,
            format!(
                "expected a function name after '.func', found '{}'",
                name.name
            ),
        );
    }
    match cur.bump() {
        Some(t) if t.kind == TokKind::LParen => {}
        _ => {
            return cur.error(
                name.span,
                format!("expected '(' and the arguments after '.func {}'", name.name),
            )
        }
    }
    let mut args: Vec<Ident> = Vec::new();
    loop {
        match cur.bump() {
            Some(t) if t.kind == TokKind::RParen => break,
            Some(t) if t.kind == TokKind::Comma && !args.is_empty() => {}
            Some(t) if t.kind == TokKind::Word && is_identifier(cur.text(t)) => {
                let arg = cur.ident(t);
                if args.iter().any(|a| a.name == arg.name) {
                    return cur.error(
                        arg.span,
                        format!("argument '{}' of '{}' is named twice", arg.name, name.name),
                    );
                }
                args.push(arg);
            }
            Some(t) => {
                return cur.error(
                    cur.span(t),
                    format!(
                        "expected an argument name or ')' in '.func {}', found '{}'",
                        name.name,
                        cur.text(t)
                    ),
                )
            }
            None => {
                return cur.error(
                    name.span,
                    format!("unclosed '(' after '.func {}'", name.name),
                )
            }
        }
    }
    cur.skip_eq();
    let Some(first) = cur.peek() else {
        return cur.error(
            cur.missing_span(),
            format!("expected the body of '.func {}'", name.name),
        );
    };
    let end = cur.card.lower.len();
    // A single `{...}` or `'...'` group is the body; else the text to the end of the card.
    let (start, stop) =
        if matches!(first.kind, TokKind::Brace | TokKind::Quote) && cur.peek_at(1).is_none() {
            (first.start + 1, first.end - 1)
        } else {
            (first.start, end)
        };
    let text: String = cur.card.lower[start..stop]
        .chars()
        .map(|c| {
            if matches!(c, '{' | '}' | '\'') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let expr = parse_behavioral(&text).map_err(|e| ParseError::Syntax {
        span: cur.card.span(start + e.offset, start + e.offset + 1),
        message: e.message,
    })?;
    cur.pos = cur.toks.len();
    Ok(FuncDef {
        name,
        args,
        body: Value {
            expr,
            span: cur.card.span(first.start, end),
        },
        span: cur.card.full_span(),
    })
}

/// `.subckt NAME ports... [params:] [a=1 ...]` (the body and `.ends` come later).
fn subckt_header(cur: &mut Cursor) -> PResult<SubcktDef> {
    let name = cur.expect_word("a subcircuit name after '.subckt'")?;
    let (positional, params) = cur.fields(true)?;
    let mut ports = Vec::new();
    for t in positional {
        ports.push(cur.node(t)?);
    }
    Ok(SubcktDef {
        name,
        ports,
        params,
        items: Vec::new(),
        span: cur.card.full_span(),
    })
}

/// `.model NAME TYPE [(] p=v [,] ... [)]`, or PSpice's `.model NAME AKO:BASE TYPE [(] p=v ... [)]`
/// ("a kind of" BASE), whose BASE is returned beside the model for [`resolve_ako`].
fn model_card(cur: &mut Cursor) -> PResult<(ModelDef, Option<Ident>)> {
    let name = cur.expect_word("a model name after '.model'")?;
    let mut kind = cur.expect_word(format_args!("a device type for model '{}'", name.name))?;
    let mut ako = None;
    if let Some(base) = kind.name.strip_prefix("ako:") {
        ako = Some(Ident {
            name: base.to_string(),
            span: Span {
                start: kind.span.start + 4,
                ..kind.span
            },
        });
        kind = cur.expect_word(format_args!(
            "a device type after '{}' for model '{}'",
            kind.name, name.name
        ))?;
    }
    let mut params = Vec::new();
    let mut vectors = Vec::new();
    while let Some(t) = cur.peek() {
        match t.kind {
            TokKind::LParen | TokKind::RParen | TokKind::Comma => {
                cur.bump();
            }
            _ if cur.at_param() => {
                let p = cur.param()?;
                // `l=1u 0.2u 1u`: further bare values make a vector parameter (ngspice's CPL).
                let mut values = Vec::new();
                while let Some(t) = cur.peek() {
                    // (An `LTRA` model's bare words are flags, not further values.)
                    let flag = kind.name == "ltra" && t.kind == TokKind::Word;
                    if cur.at_param() || !cur.is_value(t) || flag {
                        break;
                    }
                    cur.bump();
                    values.push(cur.value_of(t, format_args!("a value for '{}'", p.name.name))?);
                }
                if values.is_empty() {
                    params.push(p);
                } else {
                    values.insert(0, p.value);
                    vectors.push(ParamVector {
                        name: p.name,
                        values,
                    });
                }
            }
            // A bare word in an `LTRA` model is a flag (`steplimit`, `nocontrol`): the value 1.
            TokKind::Word if kind.name == "ltra" => {
                cur.bump();
                params.push(Param {
                    name: cur.ident(t),
                    value: Value {
                        expr: Expr::Num(1.0),
                        span: cur.span(t),
                    },
                });
            }
            _ => {
                return cur.error(
                    cur.span(t),
                    format!(
                        "expected name=value in model '{}', found '{}'",
                        name.name,
                        cur.text(t)
                    ),
                )
            }
        }
    }
    let model = ModelDef {
        name,
        kind,
        params,
        vectors,
        span: cur.card.full_span(),
    };
    Ok((model, ako))
}

/// Completes PSpice's `AKO` models (ngspice's `inpcompat.c` does the same in its PSpice mode):
/// `.model QP AKO:QB PNP (BF=150)` is `.model QP PNP (...QB's parameters... BF=150)`, the later
/// value of a parameter winning. BASE is looked for among the models of the same body, then
/// of the top level; it must have the same type. `ako` maps each AKO model's card span to its
/// BASE. Models are completed in card order, so an AKO model may name an earlier AKO model.
fn resolve_ako(items: &mut [Item], ako: &HashMap<Span, Ident>) -> PResult<()> {
    let mut top = HashMap::new();
    complete_ako(items, ako, &mut top, None)?;
    for item in items.iter_mut() {
        if let Item::Subckt(def) = item {
            resolve_ako_in_body(&mut def.items, ako, &top)?;
        }
    }
    Ok(())
}

fn resolve_ako_in_body(
    items: &mut [Item],
    ako: &HashMap<Span, Ident>,
    top: &HashMap<String, ModelDef>,
) -> PResult<()> {
    complete_ako(items, ako, &mut HashMap::new(), Some(top))?;
    for item in items.iter_mut() {
        if let Item::Subckt(def) = item {
            resolve_ako_in_body(&mut def.items, ako, top)?;
        }
    }
    Ok(())
}

/// Completes the AKO models of one body (not of nested bodies), recording its models in `seen`.
fn complete_ako(
    items: &mut [Item],
    ako: &HashMap<Span, Ident>,
    seen: &mut HashMap<String, ModelDef>,
    top: Option<&HashMap<String, ModelDef>>,
) -> PResult<()> {
    // Every model of the body, as ngspice searches the whole body (not only earlier cards).
    for item in items.iter() {
        if let Item::Model(m) = item {
            seen.entry(m.name.name.clone()).or_insert_with(|| m.clone());
        }
    }
    for item in items.iter_mut() {
        let Item::Model(m) = item else { continue };
        let Some(base_name) = ako.get(&m.span) else {
            continue;
        };
        let Some(base) = seen
            .get(&base_name.name)
            .or_else(|| top.and_then(|t| t.get(&base_name.name)))
        else {
            return Err(ParseError::Syntax {
                span: base_name.span,
                message: format!(
                    "no model '{}' for 'ako:{}' in model '{}'",
                    base_name.name, base_name.name, m.name.name
                ),
            });
        };
        if base.kind.name != m.kind.name {
            return Err(ParseError::Syntax {
                span: m.kind.span,
                message: format!(
                    "model '{}' is 'ako:{}' of type '{}', but '{}' is of type '{}'",
                    m.name.name, base_name.name, m.kind.name, base_name.name, base.kind.name
                ),
            });
        }
        let mut params = base.params.clone();
        params.append(&mut m.params);
        m.params = params;
        let mut vectors = base.vectors.clone();
        vectors.append(&mut m.vectors);
        m.vectors = vectors;
        seen.insert(m.name.name.clone(), m.clone());
    }
    Ok(())
}

/// `.options a=1 flag b=2`: flags get the value 1.
fn options_card(cur: &mut Cursor) -> PResult<Vec<Param>> {
    let mut params = Vec::new();
    while let Some(t) = cur.peek() {
        if cur.at_param() {
            params.push(cur.param()?);
        } else if t.kind == TokKind::Word {
            cur.bump();
            params.push(Param {
                name: cur.ident(t),
                value: Value {
                    expr: Expr::Num(1.0),
                    span: cur.span(t),
                },
            });
        } else if t.kind == TokKind::Comma {
            cur.bump();
        } else {
            return cur.extra(t, ".options");
        }
    }
    Ok(params)
}

/// `.ic v(n1)=1 v(n2) = {x}`
fn ic_card(cur: &mut Cursor) -> PResult<Vec<(Node, Value)>> {
    let mut out = Vec::new();
    while let Some(t) = cur.bump() {
        if t.kind == TokKind::Comma {
            continue;
        }
        let expected = "expected v(node)=value in '.ic'";
        if t.kind != TokKind::Word || cur.text(t) != "v" {
            return cur.error(cur.span(t), format!("{expected}, found '{}'", cur.text(t)));
        }
        for kind in [TokKind::LParen, TokKind::Word, TokKind::RParen, TokKind::Eq] {
            if cur.peek().map(|t| t.kind) != Some(kind) {
                return cur.error(cur.here(), expected);
            }
            cur.bump();
        }
        let node_tok = cur.toks[cur.pos - 3];
        let node = cur.ident(node_tok);
        let value =
            cur.expect_value(format_args!("an initial voltage for node '{}'", node.name))?;
        out.push((node, value));
    }
    if out.is_empty() {
        return cur.error(cur.missing_span(), "expected v(node)=value after '.ic'");
    }
    Ok(out)
}

/// `.save v(out) i(v1) out all`. ngspice's device parameters (`@m1[id]`) are warned about and
/// skipped; `None` when nothing is left to save (a card of only those).
fn save_card(cur: &mut Cursor, warnings: &mut Vec<Warning>) -> PResult<Option<Vec<SaveItem>>> {
    let mut out = Vec::new();
    let mut skipped = false;
    while let Some(t) = cur.bump() {
        if t.kind == TokKind::Comma {
            continue;
        }
        let text = cur.text(t);
        if t.kind != TokKind::Word {
            return cur.error(
                cur.span(t),
                format!(
                    "expected v(node), i(element), a node name or 'all' in '.save', found '{text}'"
                ),
            );
        }
        if text.starts_with('@') {
            // `@dev[param]` spans several tokens: skip to the closing bracket's word.
            warnings.push(Warning {
                span: cur.span(t),
                message: format!(
                    "'.save {text}': device parameters are not saved by balun; ignored"
                ),
            });
            skipped = true;
            while !cur.at_end() && !cur.text(cur.toks[cur.pos - 1]).contains(']') {
                cur.bump();
            }
            continue;
        }
        let call =
            (text == "v" || text == "i") && cur.peek().map(|p| p.kind) == Some(TokKind::LParen);
        if !call {
            out.push(if text == "all" {
                SaveItem::All(cur.span(t))
            } else {
                SaveItem::Voltage(cur.ident(t))
            });
            continue;
        }
        let usage = format!("expected {text}(name) in '.save'");
        cur.bump();
        let Some(name) = cur.peek().filter(|n| n.kind == TokKind::Word) else {
            return cur.error(cur.here(), usage);
        };
        cur.bump();
        match cur.peek().map(|p| p.kind) {
            Some(TokKind::RParen) => {}
            Some(TokKind::Comma) if text == "v" => {
                return cur.error(
                    cur.here(),
                    "'.save' takes single nodes: save v(a) and v(b), not v(a,b)",
                )
            }
            _ => return cur.error(cur.here(), usage),
        }
        cur.bump();
        let ident = cur.ident(name);
        out.push(if text == "v" {
            SaveItem::Voltage(ident)
        } else {
            SaveItem::Current(ident)
        });
    }
    if out.is_empty() && !skipped {
        return cur.error(
            cur.missing_span(),
            "expected the vectors to save after '.save'",
        );
    }
    Ok((!out.is_empty()).then_some(out))
}

/// `.plot`'s scale keywords, dropped as ngspice drops them.
const PLOT_SCALE_WORDS: &[&str] = &["linear", "xlog", "ylog", "loglog"];

/// `.print KIND OUT ...` / `.plot KIND OUT ... [(lo,hi)]`. ngspice 39 drops the whole line when
/// it cannot read one output, so a card that does not read is a warning and `None`, never an
/// error.
fn print_card(cur: &mut Cursor, keyword: &str, warnings: &mut Vec<Warning>) -> Option<PrintCard> {
    let plot = keyword == ".plot";
    let card_span = cur.card.full_span();
    let mut drop = |span: Span, what: String| {
        warnings.push(Warning {
            span,
            message: format!("'{keyword}' line ignored (as ngspice 39 drops it): {what}"),
        });
        None
    };
    let analysis = match cur.bump() {
        Some(t) if t.kind == TokKind::Word => cur.ident(t),
        Some(t) => {
            return drop(
                cur.span(t),
                format!(
                    "expected an analysis kind (op, dc, ac, tran), found '{}'",
                    cur.text(t)
                ),
            )
        }
        None => {
            return drop(
                card_span,
                "expected an analysis kind and outputs".to_string(),
            )
        }
    };
    let mut outputs = Vec::new();
    while let Some(t) = cur.bump() {
        let text = cur.text(t);
        match t.kind {
            TokKind::Comma => continue,
            TokKind::Word if plot && PLOT_SCALE_WORDS.contains(&text) => continue,
            TokKind::LParen if plot => {
                // `(lo,hi)`: the chart's limits; nothing for a table.
                while let Some(t) = cur.bump() {
                    if t.kind == TokKind::RParen {
                        break;
                    }
                }
                continue;
            }
            TokKind::Word => {}
            _ => return drop(cur.span(t), format!("cannot read '{text}' as an output")),
        }
        if cur.peek().map(|p| p.kind) != Some(TokKind::LParen) {
            outputs.push(PrintOutput {
                func: None,
                args: vec![cur.ident(t)],
                span: cur.span(t),
            });
            continue;
        }
        if !is_identifier(text) {
            return drop(
                cur.span(t),
                format!("cannot read '{text}(...)' as an output"),
            );
        }
        cur.bump();
        let mut args = Vec::new();
        let end = loop {
            match cur.bump() {
                Some(a) if a.kind == TokKind::Word => args.push(cur.ident(a)),
                Some(a) if a.kind == TokKind::Comma && !args.is_empty() => {}
                Some(a) if a.kind == TokKind::RParen && !args.is_empty() => break a,
                _ => {
                    return drop(
                        cur.span(t),
                        format!("expected names and ')' after '{text}('"),
                    )
                }
            }
        };
        outputs.push(PrintOutput {
            func: Some(cur.ident(t)),
            args,
            span: cur.card.span(t.start, end.end),
        });
    }
    if outputs.is_empty() {
        return drop(card_span, "no outputs given".to_string());
    }
    Some(PrintCard {
        plot,
        analysis,
        outputs,
        span: card_span,
    })
}

/// `.dc SRC start stop step [SRC2 start2 stop2 step2]`
fn dc_card(cur: &mut Cursor) -> PResult<Analysis> {
    let usage = "expected '.dc SRC start stop step [SRC2 start2 stop2 step2]'";
    let mut sweeps = Vec::new();
    while !cur.at_end() {
        if sweeps.len() == 2 {
            return cur.error(cur.here(), format!("{usage}: too many values"));
        }
        let source = cur.expect_word("a source name in '.dc'")?;
        let start =
            cur.expect_value(format_args!("a start value for '{}' in '.dc'", source.name))?;
        let stop = cur.expect_value(format_args!("a stop value for '{}' in '.dc'", source.name))?;
        let step = cur.expect_value(format_args!("a step value for '{}' in '.dc'", source.name))?;
        sweeps.push(DcSweep {
            source,
            start,
            stop,
            step,
        });
    }
    if sweeps.is_empty() {
        return cur.error(cur.missing_span(), usage);
    }
    Ok(Analysis::Dc {
        sweeps,
        span: cur.card.full_span(),
    })
}

/// One of `choices`' keywords as the next word; otherwise "expected {expected} in {place}"
/// (with what was found).
fn choice<T: Copy>(
    cur: &mut Cursor,
    choices: &[(&str, T)],
    expected: &str,
    place: &str,
) -> PResult<T> {
    match cur.bump() {
        Some(t) => match choices.iter().find(|(k, _)| *k == cur.text(t)) {
            Some(&(_, v)) => Ok(v),
            None => cur.error(
                cur.span(t),
                format!("expected {expected} in {place}, found '{}'", cur.text(t)),
            ),
        },
        None => cur.error(
            cur.missing_span(),
            format!("expected {expected} in {place}"),
        ),
    }
}

/// `dec|oct|lin N fstart fstop`, the frequency grid shared by `.ac` and `.noise` (`card` names
/// the card in messages).
fn freq_grid(cur: &mut Cursor, card: &str) -> PResult<(AcVariation, Value, Value, Value)> {
    let variation = choice(
        cur,
        &[
            ("dec", AcVariation::Dec),
            ("oct", AcVariation::Oct),
            ("lin", AcVariation::Lin),
        ],
        "dec, oct or lin",
        &format!("'{card}'"),
    )?;
    let points = cur.expect_value(format_args!("a number of points in '{card}'"))?;
    let fstart = cur.expect_value(format_args!("a start frequency in '{card}'"))?;
    let fstop = cur.expect_value(format_args!("a stop frequency in '{card}'"))?;
    Ok((variation, points, fstart, fstop))
}

/// `.ac dec|oct|lin N fstart fstop`
fn ac_card(cur: &mut Cursor) -> PResult<Analysis> {
    let (variation, points, fstart, fstop) = freq_grid(cur, ".ac")?;
    cur.end(".ac")?;
    Ok(Analysis::Ac {
        variation,
        points,
        fstart,
        fstop,
        span: cur.card.full_span(),
    })
}

/// `.noise v(out[,ref]) SRC dec|oct|lin N fstart fstop [pts_per_summary]`
fn noise_card(cur: &mut Cursor) -> PResult<Analysis> {
    let usage = "'.noise v(out[,ref]) SRC dec|oct|lin N fstart fstop [pts_per_summary]'";
    let output = output_ref(cur, &format!("the output v(out[,ref]) of {usage}"))?;
    let source = cur.expect_word(format_args!("the input source name in {usage}"))?;
    let (variation, points, fstart, fstop) = freq_grid(cur, ".noise")?;
    let pts_per_summary = match cur.bump() {
        Some(t) => Some(cur.value_of(t, "a number of points per summary in '.noise'")?),
        None => None,
    };
    cur.end(".noise")?;
    Ok(Analysis::Noise {
        output,
        source,
        variation,
        points,
        fstart,
        fstop,
        pts_per_summary,
        span: cur.card.full_span(),
    })
}

/// The output of `.tf` and `.sens`: `v(out[,ref])` (or a bare node name) or `i(vsrc)`.
fn analysis_output(cur: &mut Cursor, what: &str) -> PResult<AnalysisOutput> {
    let is_current = cur.peek().is_some_and(|t| cur.text(t) == "i")
        && cur.peek_at(1).is_some_and(|t| t.kind == TokKind::LParen);
    if !is_current {
        return Ok(AnalysisOutput::Voltage(output_ref(cur, what)?));
    }
    cur.bump();
    cur.bump();
    let name = cur.expect_word(format_args!("an element name in {what}"))?;
    match cur.bump() {
        Some(t) if t.kind == TokKind::RParen => Ok(AnalysisOutput::Current(name)),
        Some(t) => cur.error(
            cur.span(t),
            format!("expected ')' in {what}, found '{}'", cur.text(t)),
        ),
        None => cur.error(cur.missing_span(), format!("expected ')' in {what}")),
    }
}

/// `.tf v(out[,ref])|i(vsrc) SRC`
fn tf_card(cur: &mut Cursor) -> PResult<Analysis> {
    let usage = "'.tf v(out[,ref])|i(vsrc) SRC'";
    let output = analysis_output(cur, &format!("the output of {usage}"))?;
    let source = cur.expect_word(format_args!("the input source name in {usage}"))?;
    cur.end(".tf")?;
    Ok(Analysis::Tf {
        output,
        source,
        span: cur.card.full_span(),
    })
}

/// `.sens v(out[,ref])|i(vsrc) [ac dec|oct|lin N fstart fstop]`
fn sens_card(cur: &mut Cursor) -> PResult<Analysis> {
    let usage = "'.sens v(out[,ref])|i(vsrc) [ac dec|oct|lin N fstart fstop]'";
    let output = analysis_output(cur, &format!("the output of {usage}"))?;
    let ac = match cur.bump() {
        None => None,
        Some(t) if cur.text(t) == "ac" => Some(freq_grid(cur, ".sens")?),
        Some(t) if cur.text(t) == "dc" => None,
        Some(t) => {
            return cur.error(
                cur.span(t),
                format!(
                    "expected 'ac' or the end of {usage}, found '{}'",
                    cur.text(t)
                ),
            )
        }
    };
    cur.end(".sens")?;
    Ok(Analysis::Sens {
        output,
        ac,
        span: cur.card.full_span(),
    })
}

/// `.pz in+ in- out+ out- cur|vol pol|zer|pz`
fn pz_card(cur: &mut Cursor) -> PResult<Analysis> {
    let usage = "'.pz in+ in- out+ out- cur|vol pol|zer|pz'";
    let mut nodes = Vec::with_capacity(4);
    for what in [
        "input node",
        "input reference node",
        "output node",
        "output reference node",
    ] {
        match cur.bump() {
            Some(t) => nodes.push(cur.node(t)?),
            None => {
                return cur.error(
                    cur.missing_span(),
                    format!("expected the {what} of {usage}"),
                )
            }
        }
    }
    let kind = choice(
        cur,
        &[("cur", PzInput::Cur), ("vol", PzInput::Vol)],
        "cur or vol",
        usage,
    )?;
    let which = choice(
        cur,
        &[
            ("pol", PzWhich::Poles),
            ("zer", PzWhich::Zeros),
            ("pz", PzWhich::Both),
        ],
        "pol, zer or pz",
        usage,
    )?;
    cur.end(".pz")?;
    let [a, b, c, d]: [Node; 4] = match nodes.try_into() {
        Ok(n) => n,
        Err(_) => return cur.error(cur.card.full_span(), "internal error: node count"),
    };
    Ok(Analysis::Pz {
        input: [a, b],
        output: [c, d],
        kind,
        which,
        span: cur.card.full_span(),
    })
}

/// `.sp dec|oct|lin N fstart fstop [donoise]`
fn sp_card(cur: &mut Cursor) -> PResult<Analysis> {
    let (variation, points, fstart, fstop) = freq_grid(cur, ".sp")?;
    let donoise = match cur.bump() {
        Some(t) => Some(cur.value_of(t, "0 or 1 (noise) in '.sp'")?),
        None => None,
    };
    cur.end(".sp")?;
    Ok(Analysis::Sp {
        variation,
        points,
        fstart,
        fstop,
        donoise,
        span: cur.card.full_span(),
    })
}

/// `.tran tstep tstop [tstart [tmax]] [uic]`
fn tran_card(cur: &mut Cursor) -> PResult<Analysis> {
    let tstep = cur.expect_value("a time step in '.tran'")?;
    let tstop = cur.expect_value("a stop time in '.tran'")?;
    let mut optional = Vec::new();
    let mut uic = false;
    while let Some(t) = cur.bump() {
        if cur.text(t) == "uic" {
            uic = true;
        } else if uic || optional.len() == 2 {
            return cur.extra(t, ".tran");
        } else {
            optional.push(cur.value_of(t, "a time in '.tran'")?);
        }
    }
    let mut optional = optional.into_iter();
    Ok(Analysis::Tran {
        tstep,
        tstop,
        tstart: optional.next(),
        tmax: optional.next(),
        uic,
        span: cur.card.full_span(),
    })
}

/// Parses an element card (the first token is the element name).
/// The element on an element card, or `None` for a dot-card (which needs the builder's
/// context: the open `.subckt`s). Pure, so cards can be parsed in parallel.
pub(crate) fn parse_element_card(card: &Card) -> Option<ParsedElement> {
    if card.keyword().starts_with('.') {
        return None;
    }
    Some(match Cursor::new(card) {
        Ok(mut cur) => {
            let element = element(&mut cur);
            (element, cur.warnings.into_inner())
        }
        Err(e) => (Err(e), Vec::new()),
    })
}

/// An element card parsed: the element (or the error) and the card's warnings.
pub(crate) type ParsedElement = (PResult<Element>, Vec<Warning>);

fn element(cur: &mut Cursor) -> PResult<Element> {
    let Some(name_tok) = cur.bump() else {
        return cur.error(cur.card.full_span(), "empty card");
    };
    let name = cur.ident(name_tok);
    let n = name.name.clone();
    let letter = n.chars().next().unwrap_or(' ');
    let kind = match letter {
        'r' | 'c' | 'l' => passive(cur, letter, &n)?,
        'k' => coupling(cur, &n)?,
        'v' | 'i' => {
            let (positional_nodes, source) = source(cur, &n)?;
            if letter == 'v' {
                ElementKind::VoltageSource {
                    nodes: positional_nodes,
                    source: Box::new(source),
                }
            } else {
                ElementKind::CurrentSource {
                    nodes: positional_nodes,
                    source: Box::new(source),
                }
            }
        }
        'b' => behavioral(cur, &n)?,
        'e' | 'g' if behavioral_form(cur).is_some() => behavioral(cur, &n)?,
        'e' | 'g' | 'f' | 'h' => controlled(cur, letter, &n)?,
        'x' => instance(cur, &n)?,
        'd' => diode(cur, &n)?,
        'q' => bjt(cur, &n)?,
        'j' => jfet(cur, &n)?,
        's' | 'w' => switch(cur, letter, &n)?,
        'm' => mosfet(cur, &n)?,
        't' => tline(cur, &n)?,
        'p' => coupled_line(cur, &n)?,
        'o' => lossy_line(cur, &n)?,
        'y' => txl(cur, &n)?,
        'z' | 'u' | 'a' | 'n' => {
            return cur.error(
                name.span,
                format!("element type '{letter}' ('{n}') is not supported yet"),
            )
        }
        _ => {
            return cur.error(
                name.span,
                format!("unknown element type '{letter}' in '{n}'"),
            )
        }
    };
    Ok(Element {
        name,
        kind,
        span: cur.card.full_span(),
    })
}

/// Error when fewer than `want` nodes were found among `positional` (whose last token, if it
/// looks like a value, is taken as the element value rather than a node).
fn node_count_error<T>(cur: &Cursor, positional: &[Tok], want: usize, n: &str) -> PResult<T> {
    let last_is_value = positional
        .last()
        .is_some_and(|&t| t.kind != TokKind::Word || parse_number(cur.text(t)).is_some());
    let found = if last_is_value {
        positional.len() - 1
    } else {
        positional.len()
    };
    let span = if last_is_value {
        positional
            .last()
            .map_or(cur.missing_span(), |&t| cur.span(t))
    } else {
        cur.missing_span()
    };
    cur.error(
        span,
        format!("expected {want} nodes for '{n}', found {found}"),
    )
}

/// `R|C|L name n+ n- [value] [name=value...]`, the value possibly given as `r=`/`c=`/`l=`.
/// `R|C|L name n+ n- [value] [model] [name=value ...]`, the value also as `r=`/`c=`/`l=` (and
/// `resistance=`, `capacitance=`/`cap=`, `inductance=`); a model-only card takes its value from
/// the `.model` (or, for R and C, from the geometry). ngspice's resistor shorthand `tc=a b` is
/// `tc1=a tc2=b`.
fn passive(cur: &mut Cursor, letter: char, n: &str) -> PResult<ElementKind> {
    let (positional, mut params) = passive_fields(cur, letter == 'r')?;
    if positional.len() < 2 {
        return node_count_error(cur, &positional, 2, n);
    }
    if let Some(&t) = positional.get(4) {
        return cur.extra(t, n);
    }
    let nodes = cur.nodes::<2>(&positional)?;
    let what = match letter {
        'r' => "resistor",
        'c' => "capacitor",
        _ => "inductor",
    };
    let keys: &[&str] = match letter {
        'r' => &["r", "resistance"],
        'c' => &["c", "cap", "capacitance"],
        _ => &["l", "inductance"],
    };
    // A fourth field is the model. A lone third field that is a name stays a value (a
    // parameter); elaboration takes it as the model when a `.model` of that name exists.
    let is_model = |t: Tok| {
        let s = cur.text(t);
        t.kind == TokKind::Word
            && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:$".contains(c))
    };
    let (mut value, mut model) = (None, None);
    match (positional.get(2), positional.get(3)) {
        // PSpice's order `R1 a b MODEL 1k`: ngspice takes a number after the model as the
        // value (`inp2r.c`'s "unlabeled number"), and so does balun (any value form).
        (Some(&m), Some(&t)) if is_model(m) && !is_model(t) && cur.is_value(t) => {
            model = Some(cur.ident(m));
            value = Some(cur.value_of(t, format_args!("a value for {what} '{n}'"))?);
        }
        (Some(&t), m) => {
            value = Some(cur.value_of(t, format_args!("a value for {what} '{n}'"))?);
            if let Some(&m) = m {
                if !is_model(m) {
                    return cur.extra(m, n);
                }
                model = Some(cur.ident(m));
            }
        }
        (None, _) => {}
    }
    if value.is_none() {
        if let Some(i) = params
            .iter()
            .position(|p| keys.contains(&p.name.name.as_str()))
        {
            value = Some(params.remove(i).value);
        }
    }
    if value.is_none() && model.is_none() {
        return cur.error(
            cur.missing_span(),
            format!("expected a value for {what} '{n}'"),
        );
    }
    Ok(match letter {
        'r' => ElementKind::Resistor {
            nodes,
            value,
            model,
            params,
        },
        'c' => ElementKind::Capacitor {
            nodes,
            value,
            model,
            params,
        },
        _ => ElementKind::Inductor {
            nodes,
            value,
            model,
            params,
        },
    })
}

/// [`Cursor::fields`] for R, C and L, with ngspice's `inp2r.c` rewrite of a resistor's
/// `tc=a b` (two numbers) as `tc=a tc2=b`.
fn passive_fields(cur: &mut Cursor, tc_pair: bool) -> PResult<(Vec<Tok>, Vec<Param>)> {
    let mut positional = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    while let Some(t) = cur.peek() {
        if cur.at_param() {
            params.push(cur.param()?);
            continue;
        }
        let after_tc = params.last().is_some_and(|p| p.name.name == "tc");
        match t.kind {
            TokKind::Word if tc_pair && after_tc && parse_number(cur.text(t)).is_some() => {
                cur.bump();
                params.push(Param {
                    name: Ident {
                        name: "tc2".to_string(),
                        span: cur.span(t),
                    },
                    value: cur.value_of(t, "the second temperature coefficient")?,
                });
            }
            TokKind::Word | TokKind::Brace | TokKind::Quote if params.is_empty() => {
                positional.push(t);
                cur.bump();
            }
            TokKind::Word | TokKind::Brace | TokKind::Quote => {
                return cur.error(
                    cur.span(t),
                    format!(
                        "expected name=value after parameters, found '{}'",
                        cur.text(t)
                    ),
                );
            }
            TokKind::Comma if !params.is_empty() => {
                cur.bump();
            }
            _ => return cur.error(cur.span(t), format!("unexpected '{}'", cur.text(t))),
        }
    }
    Ok((positional, params))
}

/// `Kname L1 L2 [L3...] k`
fn coupling(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (positional, params) = cur.fields(false)?;
    if let Some(p) = params.first() {
        return cur.error(
            p.name.span,
            format!("unexpected parameter '{}' in '{n}'", p.name.name),
        );
    }
    if positional.len() < 3 {
        return cur.error(
            cur.missing_span(),
            format!("expected at least 2 inductors and a coupling value for '{n}'"),
        );
    }
    let (last, names) = positional.split_last().unwrap_or((&positional[0], &[]));
    let k = cur.value_of(*last, format_args!("a coupling value for '{n}'"))?;
    let mut inductors = Vec::new();
    for &t in names {
        if t.kind != TokKind::Word {
            return cur.error(
                cur.span(t),
                format!("expected an inductor name, found '{}'", cur.text(t)),
            );
        }
        inductors.push(cur.ident(t));
    }
    Ok(ElementKind::Coupling { inductors, k })
}

/// The keyword of an `E`/`G` card's behavioural form (`value=`, `table`), if it has one in
/// the place ngspice looks for it (the fourth field).
fn behavioral_form(cur: &Cursor) -> Option<&'static str> {
    let t = cur.toks.get(cur.pos + 2)?;
    if t.kind != TokKind::Word {
        return None;
    }
    let next = cur.toks.get(cur.pos + 3).map(|t| t.kind);
    match cur.text(*t) {
        // PSpice writes `VALUE {expr}` without the `=`; ngspice reads both.
        "value" if matches!(next, Some(TokKind::Eq | TokKind::Brace | TokKind::Quote)) => {
            Some("value")
        }
        "table" if matches!(next, Some(TokKind::Eq | TokKind::Brace)) => Some("table"),
        _ => None,
    }
}

/// Parses the expression text of a behavioural source starting at byte `start` of the card
/// and running to `end`: braces and quotes are blanks (ngspice removes them), `v()`/`i()` take raw names.
fn behavioral_expr(cur: &Cursor, start: usize, end: usize) -> PResult<(Value, Vec<Ident>, String)> {
    let text: String = cur.card.lower[start..end]
        .chars()
        .map(|c| {
            if matches!(c, '{' | '}' | '\'') {
                ' '
            } else {
                c
            }
        })
        .collect();
    if text.trim().is_empty() {
        return cur.error(cur.card.span(start, end), "expected an expression");
    }
    let expr = parse_behavioral(&text).map_err(|e| ParseError::Syntax {
        span: cur.card.span(start + e.offset, start + e.offset + 1),
        message: e.message,
    })?;
    // Every word (names, numbers) with its span, for elaboration's messages about a name.
    let mut names = Vec::new();
    let is_sep = |c: char| c.is_whitespace() || "()^+-*/,?:<>=!&|".contains(c);
    let mut at = 0;
    for piece in text.split(is_sep) {
        if !piece.is_empty() {
            let s = start + at;
            names.push(Ident {
                name: piece.to_string(),
                span: cur.card.span(s, s + piece.len()),
            });
        }
        at += piece.len() + 1;
    }
    let trimmed_start = start + (text.len() - text.trim_start().len());
    let trimmed_end = start + text.trim_end().len();
    let written = cur.card.lower[trimmed_start..trimmed_end]
        .trim()
        .to_string();
    Ok((
        Value {
            expr,
            span: cur.card.span(trimmed_start, trimmed_end),
        },
        names,
        written,
    ))
}

/// `Bname n+ n- V=expr | I=expr`, `E|Gname n+ n- VALUE={expr}` and
/// `E|Gname n+ n- TABLE {expr} = (x1,y1) (x2,y2) ...`.
fn behavioral(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let letter = n.chars().next().unwrap_or('b');
    let mut nodes = Vec::with_capacity(2);
    for _ in 0..2 {
        match cur.bump() {
            Some(t) if t.kind == TokKind::Word => nodes.push(cur.ident(t)),
            Some(t) => return cur.not_a_node(t),
            None => {
                return cur.error(
                    cur.missing_span(),
                    format!("expected 2 nodes for '{n}', found {}", nodes.len()),
                )
            }
        }
    }
    let nodes: [Node; 2] = [nodes[0].clone(), nodes[1].clone()];
    let card_end = cur.card.lower.len();
    let Some(kw) = cur.bump() else {
        let what = if letter == 'b' {
            "'v=expression' or 'i=expression'"
        } else {
            "'value={expression}' or 'table {expression} = (x, y) ...'"
        };
        return cur.error(cur.missing_span(), format!("expected {what} for '{n}'"));
    };
    let word = if kw.kind == TokKind::Word {
        cur.text(kw)
    } else {
        ""
    };
    if letter == 'b' {
        let voltage = match word {
            "v" => true,
            "i" => false,
            _ => {
                return cur.error(
                    cur.span(kw),
                    format!(
                        "expected 'v=' or 'i=' after the nodes of '{n}', found '{}'",
                        cur.text(kw)
                    ),
                )
            }
        };
        let Some(eq) = cur.bump().filter(|t| t.kind == TokKind::Eq) else {
            return cur.error(
                cur.span(kw),
                format!("expected '=' after '{word}' in '{n}'"),
            );
        };
        let (expr, names, text) = behavioral_expr(cur, eq.end, card_end)?;
        cur.pos = cur.toks.len();
        return Ok(ElementKind::Behavioral {
            nodes,
            voltage,
            form: BehavioralForm::B,
            expr,
            names,
            text,
        });
    }
    let voltage = letter == 'e';
    if word == "value" {
        // `value={expr}` or PSpice's `value {expr}` (ngspice rewrites both as `vol=`).
        let start = match cur.peek() {
            Some(eq) if eq.kind == TokKind::Eq => {
                cur.bump();
                eq.end
            }
            Some(group) if matches!(group.kind, TokKind::Brace | TokKind::Quote) => group.start,
            _ => {
                return cur.error(cur.span(kw), format!("expected '=' after 'value' in '{n}'"));
            }
        };
        let (expr, names, text) = behavioral_expr(cur, start, card_end)?;
        cur.pos = cur.toks.len();
        return Ok(ElementKind::Behavioral {
            nodes,
            voltage,
            form: BehavioralForm::Value,
            expr,
            names,
            text,
        });
    }
    // TABLE [=] {expr} [=] (x1, y1) (x2, y2) ...
    if cur.peek().is_some_and(|t| t.kind == TokKind::Eq) {
        cur.bump();
    }
    let Some(brace) = cur.bump().filter(|t| t.kind == TokKind::Brace) else {
        return cur.error(
            cur.here(),
            format!("expected '{{expression}}' after 'table' in '{n}'"),
        );
    };
    let (expr, names, text) = behavioral_expr(cur, brace.start, brace.end)?;
    if cur.peek().is_some_and(|t| t.kind == TokKind::Eq) {
        cur.bump();
    }
    let mut values = Vec::new();
    while let Some(t) = cur.bump() {
        match t.kind {
            TokKind::LParen | TokKind::RParen | TokKind::Comma => {}
            _ => values.push(cur.value_of(t, format_args!("a table value for '{n}'"))?),
        }
    }
    if values.len() % 2 == 1 {
        let last = values.last().map_or(cur.missing_span(), |v| v.span);
        return cur.error(last, format!("table of '{n}' has an x without its y"));
    }
    if values.is_empty() {
        return cur.error(
            cur.missing_span(),
            format!("expected the points '(x, y) ...' of the table of '{n}'"),
        );
    }
    let mut points = Vec::with_capacity(values.len() / 2);
    let mut it = values.into_iter();
    while let (Some(x), Some(y)) = (it.next(), it.next()) {
        points.push((x, y));
    }
    Ok(ElementKind::Behavioral {
        nodes,
        voltage,
        form: BehavioralForm::Table(points),
        expr,
        names,
        text,
    })
}

/// `E|G name n+ n- nc+ nc- gain` and `F|H name n+ n- vctrl gain`.
fn controlled(cur: &mut Cursor, letter: char, n: &str) -> PResult<ElementKind> {
    let rest = &cur.toks[cur.pos..];
    if let Some(&t) = rest.get(2) {
        if t.kind == TokKind::Word && cur.text(t) == "poly" {
            return poly(cur, letter, n);
        }
    }
    // POLY(n) ..., VALUE={...}, TABLE ..., VOL=/CUR=: behavioural forms are not handled.
    let rest = &cur.toks[cur.pos..];
    for (i, &t) in rest.iter().enumerate() {
        let next = rest.get(i + 1).map(|t| t.kind);
        let word = if t.kind == TokKind::Word {
            cur.text(t)
        } else {
            ""
        };
        let unsupported = match word {
            "poly" => next == Some(TokKind::LParen),
            "value" | "vol" | "cur" => next == Some(TokKind::Eq),
            "table" | "laplace" => {
                matches!(next, Some(TokKind::Eq | TokKind::LParen | TokKind::Brace))
            }
            _ => false,
        };
        if unsupported {
            return cur.error(
                cur.span(t),
                format!(
                    "the {} form of controlled source '{n}' is not supported yet",
                    word.to_uppercase()
                ),
            );
        }
    }
    let (positional, params) = cur.fields(false)?;
    if let Some(p) = params.first() {
        return cur.error(
            p.name.span,
            format!("unexpected parameter '{}' in '{n}'", p.name.name),
        );
    }
    let voltage_controlled = matches!(letter, 'e' | 'g');
    let want_nodes = if voltage_controlled { 4 } else { 2 };
    let want = want_nodes + if voltage_controlled { 1 } else { 2 };
    if let Some(&t) = positional.get(want) {
        return cur.extra(t, n);
    }
    if positional.len() < want {
        if voltage_controlled {
            if positional.len() == 4 {
                // `E1 out 0 in 0`: most likely four nodes and no gain; not "found 3 nodes"
                // with the last node read as the gain.
                return cur.error(
                    cur.missing_span(),
                    format!("expected 'n+ n- nc+ nc- gain' for '{n}', found 4 fields"),
                );
            }
            return node_count_error(cur, &positional, 4, n);
        }
        return cur.error(
            cur.missing_span(),
            format!(
                "expected 'n+ n- vcontrol gain' for '{n}', found {} fields",
                positional.len()
            ),
        );
    }
    let gain = cur.value_of(positional[want - 1], format_args!("a gain for '{n}'"))?;
    Ok(match letter {
        'e' => ElementKind::Vcvs {
            nodes: cur.nodes::<4>(&positional)?,
            gain,
        },
        'g' => ElementKind::Vccs {
            nodes: cur.nodes::<4>(&positional)?,
            gain,
        },
        _ => {
            let control = positional[2];
            if control.kind != TokKind::Word {
                return cur.error(
                    cur.span(control),
                    format!(
                        "expected a controlling voltage source name, found '{}'",
                        cur.text(control)
                    ),
                );
            }
            let nodes = cur.nodes::<2>(&positional)?;
            let control = cur.ident(control);
            if letter == 'f' {
                ElementKind::Cccs {
                    nodes,
                    control,
                    gain,
                }
            } else {
                ElementKind::Ccvs {
                    nodes,
                    control,
                    gain,
                }
            }
        }
    })
}

/// `E|G name n+ n- POLY(n) nc1+ nc1- ... p0 p1 ...` and `F|H name n+ n- POLY(n) v1 ... p0 p1 ...`.
/// As ngspice's translator reads them, parentheses and commas between the fields are
/// separators (`POLY(2) (a,0) (b,0) 0 1 1`, `POLY (2)` and `POLY 2` are all read).
fn poly(cur: &mut Cursor, letter: char, n: &str) -> PResult<ElementKind> {
    let mut out = Vec::with_capacity(2);
    for _ in 0..2 {
        out.push(cur.expect_word(format_args!("a node name for '{n}'"))?);
    }
    let Some(keyword) = cur.bump() else {
        unreachable!("the caller saw POLY");
    };
    let mut fields = Vec::new();
    while let Some(t) = cur.bump() {
        match t.kind {
            TokKind::LParen | TokKind::RParen | TokKind::Comma => {}
            TokKind::Eq => {
                let name_tok = fields.pop().unwrap_or(t);
                let name = cur.text(name_tok);
                let message = if name == "ic" {
                    format!(
                        "IC= on POLY source '{n}' is not supported (ngspice 39 rejects it too); \
                         remove it"
                    )
                } else {
                    format!("unexpected parameter '{name}' in '{n}'")
                };
                return cur.error(cur.span(name_tok), message);
            }
            _ => fields.push(t),
        }
    }
    let Some((&dim_tok, fields)) = fields.split_first() else {
        return cur.error(
            cur.span(keyword),
            format!("expected a dimension after POLY in '{n}', as in POLY(2)"),
        );
    };
    let dim_text = cur.text(dim_tok);
    let dimension = match dim_text.parse::<usize>() {
        Ok(d) if d > 0 => d,
        _ => {
            return cur.error(
                cur.span(dim_tok),
                format!("POLY({dim_text}) in '{n}': the dimension must be a positive integer"),
            )
        }
    };
    let voltage_controlled = matches!(letter, 'e' | 'g');
    let wanted = if voltage_controlled {
        2 * dimension
    } else {
        dimension
    };
    if fields.len() <= wanted {
        let controls = if voltage_controlled {
            let pairs = if dimension == 1 { "pair" } else { "pairs" };
            format!("{dimension} controlling node {pairs} ({wanted} nodes)")
        } else if dimension == 1 {
            "1 controlling voltage source".to_string()
        } else {
            format!("{dimension} controlling voltage sources")
        };
        let span = cur.span(keyword);
        return cur.error(
            span,
            format!(
                "POLY({dimension}) in '{n}' needs {controls} followed by at least one \
                 coefficient, but {} field{} follow{}",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
                if fields.len() == 1 { "s" } else { "" },
            ),
        );
    }
    let (control_toks, coefficient_toks) = fields.split_at(wanted);
    let what = if voltage_controlled {
        "a controlling node name"
    } else {
        "a controlling voltage source name"
    };
    let mut controls = Vec::with_capacity(wanted);
    for &t in control_toks {
        if t.kind != TokKind::Word {
            return cur.error(
                cur.span(t),
                format!("expected {what} for '{n}', found '{}'", cur.text(t)),
            );
        }
        controls.push(cur.ident(t));
    }
    let coefficients = coefficient_toks
        .iter()
        .map(|&t| cur.value_of(t, format_args!("a POLY coefficient for '{n}'")))
        .collect::<PResult<Vec<_>>>()?;
    let [a, b] = [out[0].clone(), out[1].clone()];
    Ok(ElementKind::Poly {
        nodes: [a, b],
        dimension,
        controls,
        coefficients,
    })
}

/// `Xname nodes... SUBCKT [params:] [a=1 ...]`
fn instance(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (mut positional, params) = cur.fields(true)?;
    let Some(sub) = positional.pop() else {
        return cur.error(
            cur.missing_span(),
            format!("expected a subcircuit name for '{n}'"),
        );
    };
    if sub.kind != TokKind::Word {
        return cur.error(
            cur.span(sub),
            format!(
                "expected a subcircuit name for '{n}', found '{}'",
                cur.text(sub)
            ),
        );
    }
    let mut nodes = Vec::new();
    for t in positional {
        nodes.push(cur.node(t)?);
    }
    Ok(ElementKind::Instance {
        nodes,
        subckt: cur.ident(sub),
        params,
    })
}

/// `Dname anode cathode model [area] [name=value...]`
fn diode(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (positional, params) = cur.fields(false)?;
    if positional.len() < 3 {
        return cur.error(
            cur.missing_span(),
            format!("expected 2 nodes and a model name for diode '{n}'"),
        );
    }
    if let Some(&t) = positional.get(4) {
        return cur.extra(t, n);
    }
    let nodes = cur.nodes::<2>(&positional)?;
    let model = cur.node(positional[2])?;
    let area = match positional.get(3) {
        Some(&t) => Some(cur.value_of(t, format_args!("an area factor for diode '{n}'"))?),
        None => None,
    };
    Ok(ElementKind::Diode {
        nodes,
        model,
        area,
        params,
    })
}

/// `Jname drain gate source model [area] [off] [ic=vds,vgs] [name=value...]` (ngspice's
/// order: the positional area right after the model, then `off` and parameters in any order).
fn jfet(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let mut words = Vec::new();
    while words.len() < 4 {
        match cur.peek() {
            Some(t) if t.kind == TokKind::Word && !cur.at_param() => {
                cur.bump();
                words.push(t);
            }
            _ => break,
        }
    }
    if words.len() < 4 {
        return cur.error(
            cur.missing_span(),
            format!(
                "expected 3 nodes (drain gate source) and a model name for JFET '{n}', found {} fields",
                words.len()
            ),
        );
    }
    let nodes = cur.nodes::<3>(&words)?;
    let model = cur.node(words[3])?;
    let (mut area, mut off, mut ic, mut params) = (None, false, Vec::new(), Vec::new());
    while let Some(t) = cur.peek() {
        if cur.at_param() {
            if cur.text(t) == "ic" {
                cur.bump();
                cur.bump();
                ic.push(cur.expect_value(format_args!("a value for 'ic' of '{n}'"))?);
                if cur.peek().is_some_and(|c| c.kind == TokKind::Comma) {
                    cur.bump();
                    ic.push(cur.expect_value(format_args!("a second value for 'ic' of '{n}'"))?);
                }
            } else {
                params.push(cur.param()?);
            }
        } else if t.kind == TokKind::Word && cur.text(t) == "off" {
            cur.bump();
            off = true;
        } else if t.kind == TokKind::Comma {
            cur.bump();
        } else if area.is_none() && params.is_empty() && !off && cur.is_value(t) {
            cur.bump();
            area = Some(cur.value_of(t, format_args!("an area factor for JFET '{n}'"))?);
        } else {
            return cur.extra(t, n);
        }
    }
    Ok(ElementKind::Jfet {
        nodes,
        model,
        area,
        off,
        ic,
        params,
    })
}

/// `Sname n+ n- nc+ nc- model [on|off]` and `Wname n+ n- vcontrol model [on|off]`.
fn switch(cur: &mut Cursor, letter: char, n: &str) -> PResult<ElementKind> {
    let (mut positional, params) = cur.fields(false)?;
    if let Some(p) = params.first() {
        return cur.error(
            p.name.span,
            format!("unexpected parameter '{}' in switch '{n}'", p.name.name),
        );
    }
    let flag = match positional.last() {
        Some(&t) if matches!(cur.text(t), "on" | "off") => {
            positional.pop();
            Some(cur.text(t) == "on")
        }
        _ => None,
    };
    let (want, usage) = if letter == 's' {
        (5, "4 nodes (n+ n- nc+ nc-) and a model name")
    } else {
        (
            4,
            "2 nodes (n+ n-), a controlling voltage source and a model name",
        )
    };
    if positional.len() < want {
        return cur.error(
            cur.missing_span(),
            format!(
                "expected {usage} for switch '{n}', found {} fields",
                positional.len()
            ),
        );
    }
    if let Some(&t) = positional.get(want) {
        return cur.extra(t, n);
    }
    let model = cur.node(positional[want - 1])?;
    Ok(if letter == 's' {
        ElementKind::VSwitch {
            nodes: cur.nodes::<4>(&positional)?,
            model,
            on: flag,
        }
    } else {
        ElementKind::CSwitch {
            nodes: cur.nodes::<2>(&positional)?,
            control: cur.node(positional[2])?,
            model,
            on: flag,
        }
    })
}

/// `Qname nc nb ne [ns] model [area] [off] [ic=vbe,vce] [name=value...]`: the words after
/// the three nodes stay unresolved (see [`ElementKind::Bjt`]).
fn bjt(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let mut positional = Vec::new();
    let mut params = Vec::new();
    let mut ic = Vec::new();
    let mut off = false;
    while let Some(t) = cur.peek() {
        if cur.at_param() {
            let p = cur.param()?;
            if p.name.name == "ic" {
                ic.push(p.value);
                // `ic=vbe, vce`: the second value follows a comma.
                while let Some(Tok {
                    kind: TokKind::Comma,
                    ..
                }) = cur.peek()
                {
                    cur.bump();
                    match cur.bump() {
                        Some(v) => ic
                            .push(cur.value_of(v, format_args!("an initial condition for '{n}'"))?),
                        None => {
                            return cur.error(
                                cur.missing_span(),
                                format!("expected a value after ',' in '{n}'"),
                            )
                        }
                    }
                }
            } else {
                params.push(p);
            }
            continue;
        }
        match t.kind {
            TokKind::Word if cur.text(t) == "off" => {
                off = true;
                cur.bump();
            }
            TokKind::Word | TokKind::Brace | TokKind::Quote => {
                if !params.is_empty() || !ic.is_empty() {
                    return cur.error(
                        cur.span(t),
                        format!(
                            "expected name=value after parameters, found '{}'",
                            cur.text(t)
                        ),
                    );
                }
                positional.push(t);
                cur.bump();
            }
            _ => return cur.error(cur.span(t), format!("unexpected '{}'", cur.text(t))),
        }
    }
    if positional.len() < 4 {
        return cur.error(
            cur.missing_span(),
            format!("expected 3 nodes and a model name for bipolar transistor '{n}'"),
        );
    }
    if let Some(&t) = positional.get(6) {
        return cur.extra(t, n);
    }
    let nodes = cur.nodes::<3>(&positional)?;
    let words = positional[3..]
        .iter()
        .map(|&t| Word {
            ident: (t.kind == TokKind::Word).then(|| cur.ident(t)),
            value: cur.value_of(t, "a value").ok(),
            span: cur.span(t),
        })
        .collect();
    Ok(ElementKind::Bjt {
        nodes,
        words,
        off,
        ic,
        params,
    })
}

/// `Mname nd ng ns nb model [name=value...] [off] [ic=vds,vgs,vbs]` (`off` and the
/// parameters in any order after the model name).
fn mosfet(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let mut positional = Vec::new();
    let mut params = Vec::new();
    let mut ic = Vec::new();
    let mut off = false;
    while let Some(t) = cur.peek() {
        if cur.at_param() {
            let p = cur.param()?;
            if p.name.name == "ic" {
                ic.push(p.value);
                while cur.peek().is_some_and(|c| c.kind == TokKind::Comma) {
                    cur.bump();
                    let Some(v) = cur.bump() else {
                        return cur
                            .error(cur.here(), format!("expected a value after ',' in '{n}'"));
                    };
                    ic.push(cur.value_of(v, format_args!("an ic= value for '{n}'"))?);
                }
                if ic.len() > 3 {
                    return cur.error(
                        p.name.span,
                        format!("ic= of MOSFET '{n}' takes at most 3 values (vds,vgs,vbs)"),
                    );
                }
            } else {
                params.push(p);
            }
            continue;
        }
        match t.kind {
            TokKind::Word if positional.len() >= 5 && cur.text(t) == "off" => {
                off = true;
                cur.bump();
            }
            TokKind::Word | TokKind::Brace | TokKind::Quote if positional.len() < 5 => {
                positional.push(t);
                cur.bump();
            }
            _ => return cur.extra(t, n),
        }
    }
    if positional.len() < 5 {
        return cur.error(
            cur.missing_span(),
            format!(
                "expected 4 nodes (drain gate source bulk) and a model name for MOSFET '{n}', \
                 found {} field{}",
                positional.len(),
                if positional.len() == 1 { "" } else { "s" }
            ),
        );
    }
    let nodes = cur.nodes::<4>(&positional)?;
    let model = cur.node(positional[4])?;
    Ok(ElementKind::Mosfet {
        nodes,
        model,
        off,
        ic,
        params,
    })
}

/// `Tname p1+ p1- p2+ p2- z0=.. td=..|f=.. [nl=..]`
fn tline(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (positional, params) = cur.fields(false)?;
    if positional.len() != 4 {
        if let Some(&t) = positional.get(4) {
            return cur.extra(t, n);
        }
        return cur.error(
            cur.missing_span(),
            format!("expected 4 nodes for '{n}', found {}", positional.len()),
        );
    }
    Ok(ElementKind::TLine {
        nodes: cur.nodes::<4>(&positional)?,
        params,
    })
}

/// `Pname in1 .. inN ref1 out1 .. outN ref2 MODEL [len=..] [sections=..]` (N >= 1).
fn coupled_line(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (positional, params) = cur.fields(false)?;
    let usage = "in1 .. inN ref1 out1 .. outN ref2 and a CPL model name";
    let Some((&model, nodes)) = positional.split_last() else {
        return cur.error(cur.missing_span(), format!("expected {usage} for '{n}'"));
    };
    if nodes.len() < 4 || nodes.len() % 2 != 0 {
        let at = if nodes.is_empty() {
            cur.missing_span()
        } else {
            cur.span(model)
        };
        return cur.error(
            at,
            format!(
                "expected {usage} for '{n}': found {} nodes, need an even number, at least 4",
                nodes.len()
            ),
        );
    }
    let nodes = nodes
        .iter()
        .map(|&t| cur.node(t))
        .collect::<PResult<Vec<_>>>()?;
    Ok(ElementKind::CoupledLine {
        nodes,
        model: cur.node(model)?,
        params,
    })
}

/// `Oname p1+ p1- p2+ p2- MODEL [v1=.. i1=.. v2=.. i2=..]`
fn lossy_line(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (nodes, model, params) = four_nodes_and_model(cur, n, "an LTRA")?;
    Ok(ElementKind::LossyLine {
        nodes,
        model,
        params,
    })
}

/// `Yname in gnd1 out gnd2 MODEL [len=l]` (ngspice's `INP2Y`; the two ground nodes are read
/// but take no part in the line, as there).
fn txl(cur: &mut Cursor, n: &str) -> PResult<ElementKind> {
    let (nodes, model, params) = four_nodes_and_model(cur, n, "a TXL")?;
    Ok(ElementKind::Txl {
        nodes,
        model,
        params,
    })
}

/// Four nodes, a model name (`what`: "an LTRA", for the message) and `name=value` parameters.
fn four_nodes_and_model(
    cur: &mut Cursor,
    n: &str,
    what: &str,
) -> PResult<([Node; 4], Ident, Vec<Param>)> {
    let (positional, params) = cur.fields(false)?;
    if positional.len() != 5 {
        if let Some(&t) = positional.get(5) {
            return cur.extra(t, n);
        }
        return cur.error(
            cur.missing_span(),
            format!(
                "expected 4 nodes and {what} model name for '{n}', found {} field{}",
                positional.len(),
                if positional.len() == 1 { "" } else { "s" }
            ),
        );
    }
    Ok((
        cur.nodes::<4>(&positional[..4])?,
        cur.node(positional[4])?,
        params,
    ))
}

/// `V|I name n+ n- [[DC] v] [AC [mag [phase]]] [SIN|PULSE|PWL|EXP|SFFM|AM|TRNOISE|TRRANDOM (args)]`.
fn source(cur: &mut Cursor, n: &str) -> PResult<([Node; 2], SourceSpec)> {
    let mut nodes = Vec::new();
    for _ in 0..2 {
        match cur.peek() {
            Some(t) if t.kind == TokKind::Word && !cur.at_param() => {
                cur.bump();
                nodes.push(cur.ident(t));
            }
            _ => {
                return cur.error(
                    cur.here(),
                    format!("expected 2 nodes for '{n}', found {}", nodes.len()),
                );
            }
        }
    }
    let nodes: [Node; 2] = match nodes.try_into() {
        Ok(a) => a,
        Err(_) => return cur.error(cur.card.full_span(), "internal error: node count"),
    };
    let mut spec = SourceSpec::default();
    let is_v = n.starts_with('v');
    // A value token that is not a source keyword.
    let plain_value = |cur: &Cursor, t: Tok| {
        cur.is_value(t)
            && !(t.kind == TokKind::Word
                && (SOURCE_KEYWORDS.contains(&cur.text(t))
                    || (is_v && PORT_KEYWORDS.contains(&cur.text(t)))
                    || DISTORTION_INPUTS.contains(&cur.text(t))))
    };
    while let Some(t) = cur.peek() {
        let word = if t.kind == TokKind::Word {
            cur.text(t)
        } else {
            ""
        };
        match word {
            // `DC 5`, or as ngspice also reads it (its tokenizer takes `=` for a blank)
            // `dc=5`, `dc = 'gold'`.
            "dc" => {
                cur.bump();
                cur.skip_eq();
                if cur.at_end() {
                    // `V1 a 0 DC`: point at the `DC` that lacks its value.
                    return cur.error(cur.span(t), format!("expected a DC value for '{n}'"));
                }
                // `DC TRNOISE(...)`: ngspice 39 reads no number there, so DC stays 0 and the
                // keyword is read next (`examples/transient-noise/rts-1.cir`).
                if cur.peek().is_some_and(|k| {
                    k.kind == TokKind::Word && SOURCE_KEYWORDS.contains(&cur.text(k))
                }) {
                    continue;
                }
                spec.dc = Some(cur.expect_value(format_args!("a DC value for '{n}'"))?);
            }
            "ac" => {
                cur.bump();
                cur.skip_eq();
                let mut ac = AcSpec {
                    mag: None,
                    phase_deg: None,
                };
                if let Some(m) = cur.peek().filter(|&m| plain_value(cur, m)) {
                    cur.bump();
                    ac.mag = Some(cur.value_of(m, "an AC magnitude")?);
                    if let Some(p) = cur.peek().filter(|&p| plain_value(cur, p)) {
                        cur.bump();
                        ac.phase_deg = Some(cur.value_of(p, "an AC phase")?);
                    }
                }
                spec.ac = Some(ac);
            }
            "sin" | "pulse" | "pwl" | "exp" | "sffm" | "am" | "trnoise" | "trrandom"
                if !cur.at_param() =>
            {
                if spec.tran.is_some() {
                    return cur.error(
                        cur.span(t),
                        format!("'{n}' has more than one transient function"),
                    );
                }
                cur.bump();
                spec.tran = Some(tran_function(cur, word, n)?);
            }
            "portnum" | "z0" | "pwr" | "freq" | "phase" if is_v => {
                cur.bump();
                cur.skip_eq();
                let v = cur.expect_value(format_args!("a value after '{word}' in '{n}'"))?;
                let slot = match word {
                    "portnum" => &mut spec.port.num,
                    "z0" => &mut spec.port.z0,
                    "pwr" => &mut spec.port.pwr,
                    "freq" => &mut spec.port.freq,
                    _ => &mut spec.port.phase,
                };
                *slot = Some(v);
            }
            w if DISTORTION_INPUTS.contains(&w) => {
                cur.bump();
                spec.distof.get_or_insert(cur.span(t));
                for _ in 0..2 {
                    match cur.peek().filter(|&v| plain_value(cur, v)) {
                        Some(v) => {
                            cur.bump();
                            cur.value_of(v, format_args!("a {w} value for '{n}'"))?;
                        }
                        _ => break,
                    }
                }
            }
            _ if cur.at_param() && matches!(spec.tran, Some(TranSpec::Pwl { .. })) => {
                let p = cur.param()?;
                if let Some(TranSpec::Pwl { params, .. }) = &mut spec.tran {
                    params.push(p);
                }
            }
            _ if spec.dc.is_none()
                && (matches!(t.kind, TokKind::Brace | TokKind::Quote) || plain_value(cur, t)) =>
            {
                cur.bump();
                spec.dc = Some(cur.value_of(t, format_args!("a value for source '{n}'"))?);
            }
            _ => {
                if t.kind == TokKind::Word && spec.dc.is_none() && !cur.at_param() {
                    // Give the number error (e.g. `invalid number '1.2.3'`).
                    cur.value_of(t, format_args!("a value for source '{n}'"))?;
                }
                return cur.extra(t, n);
            }
        }
    }
    Ok((nodes, spec))
}

/// Arguments of a transient function (`SIN`, `PULSE`, `PWL`, `EXP`, `SFFM`, `AM`, `TRNOISE`,
/// `TRRANDOM`), with or without parentheses (the keyword is consumed).
fn tran_function(cur: &mut Cursor, func: &str, n: &str) -> PResult<TranSpec> {
    let paren = cur.peek().is_some_and(|t| t.kind == TokKind::LParen);
    let open = cur.peek();
    if paren {
        cur.bump();
    }
    let mut args = Vec::new();
    let mut params = Vec::new();
    loop {
        let Some(t) = cur.peek() else {
            if paren {
                let span = open.map_or(cur.missing_span(), |o| cur.span(o));
                return cur.error(span, format!("unclosed '(' after '{func}' in '{n}'"));
            }
            break;
        };
        match t.kind {
            TokKind::RParen if paren => {
                cur.bump();
                break;
            }
            TokKind::Comma => {
                cur.bump();
            }
            // Without parentheses the arguments end at the next part of the source.
            TokKind::Word
                if !paren
                    && (SOURCE_KEYWORDS.contains(&cur.text(t))
                        || DISTORTION_INPUTS.contains(&cur.text(t))) =>
            {
                break
            }
            _ if func == "pwl" && cur.at_param() => params.push(cur.param()?),
            _ => {
                if !params.is_empty() {
                    return cur.error(
                        cur.span(t),
                        format!(
                            "expected name=value after PWL parameters, found '{}'",
                            cur.text(t)
                        ),
                    );
                }
                cur.bump();
                args.push(cur.value_of(
                    t,
                    format_args!("a {} argument for '{n}'", func.to_uppercase()),
                )?);
            }
        }
    }
    Ok(match func {
        "sin" => TranSpec::Sin(args),
        "pulse" => TranSpec::Pulse(args),
        "exp" => TranSpec::Exp(args),
        "sffm" => TranSpec::Sffm(args),
        "am" => TranSpec::Am(args),
        "trnoise" => TranSpec::TrNoise(args),
        "trrandom" => TranSpec::TrRandom(args),
        _ => TranSpec::Pwl {
            points: args,
            params,
        },
    })
}

// ---------------------------------------------------------------- measurement directives

/// An output: `out`, `v(out)` or `v(a,b)`.
fn output_ref(cur: &mut Cursor, what: &str) -> PResult<OutputRef> {
    let first = cur.expect_word(what)?;
    let is_call = first.name == "v"
        && matches!(
            cur.peek(),
            Some(Tok {
                kind: TokKind::LParen,
                ..
            })
        );
    if !is_call {
        return Ok(OutputRef {
            span: first.span,
            pos: first,
            neg: None,
        });
    }
    cur.bump();
    let pos = cur.expect_word(format_args!("a node name in {what}"))?;
    let mut neg = None;
    if matches!(
        cur.peek(),
        Some(Tok {
            kind: TokKind::Comma,
            ..
        })
    ) {
        cur.bump();
        neg = Some(cur.expect_word(format_args!("a second node name in {what}"))?);
    }
    match cur.bump() {
        Some(t) if t.kind == TokKind::RParen => Ok(OutputRef {
            span: Span {
                end: cur.span(t).end,
                ..first.span
            },
            pos,
            neg,
        }),
        Some(t) => cur.error(
            cur.span(t),
            format!("expected ')' in {what}, found '{}'", cur.text(t)),
        ),
        None => cur.error(cur.missing_span(), format!("expected ')' in {what}")),
    }
}

/// `.cmrr OUT HOTSRC COLDSRC [imbalance=dZ]`
fn cmrr_card(cur: &mut Cursor) -> PResult<MeasureCard> {
    let out = output_ref(
        cur,
        "an output (node or v(a,b)) in '.cmrr OUT HOTSRC COLDSRC'",
    )?;
    let hot = cur.expect_word("the hot-leg source in '.cmrr OUT HOTSRC COLDSRC'")?;
    let cold = cur.expect_word("the cold-leg source in '.cmrr OUT HOTSRC COLDSRC'")?;
    let mut imbalance = None;
    while let Some(t) = cur.peek() {
        if !cur.at_param() {
            return cur.extra(t, ".cmrr");
        }
        let p = cur.param()?;
        match p.name.name.as_str() {
            "imbalance" | "dz" => imbalance = Some(p.value),
            other => {
                return cur.error(
                    p.name.span,
                    format!("unknown '.cmrr' parameter '{other}' (expected imbalance=OHMS)"),
                )
            }
        }
    }
    Ok(MeasureCard::Cmrr {
        out,
        hot,
        cold,
        imbalance,
        span: cur.card.full_span(),
    })
}

/// `.mc N [seed=S] [dist=gauss|uniform]`
fn mc_card(cur: &mut Cursor) -> PResult<MonteCarloCard> {
    let usage = "'.mc RUNS [seed=S] [dist=gauss|uniform]'";
    let runs = cur.expect_value(format_args!("a number of runs in {usage}"))?;
    let (mut seed, mut dist) = (None, None);
    while let Some(t) = cur.peek() {
        if !cur.at_param() {
            return cur.extra(t, ".mc");
        }
        let p = cur.param()?;
        match (p.name.name.as_str(), &p.value.expr) {
            ("seed", _) => seed = Some(p.value),
            ("dist", Expr::Var(word)) if matches!(word.as_str(), "gauss" | "uniform") => {
                dist = Some(Ident {
                    name: word.clone(),
                    span: p.value.span,
                });
            }
            ("dist", _) => {
                return cur.error(p.value.span, "expected dist=gauss or dist=uniform in '.mc'")
            }
            (other, _) => {
                return cur.error(
                    p.name.span,
                    format!("unknown '.mc' parameter '{other}' (expected seed= or dist=)"),
                )
            }
        }
    }
    Ok(MonteCarloCard {
        runs,
        seed,
        dist,
        span: cur.card.full_span(),
    })
}

/// `.xtalk SRC1 OUT1 SRC2 OUT2 [...]`
fn xtalk_card(cur: &mut Cursor) -> PResult<MeasureCard> {
    let mut channels = Vec::new();
    while !cur.at_end() {
        let src = cur.expect_word("a channel's source in '.xtalk SRC1 OUT1 SRC2 OUT2 ...'")?;
        let out = output_ref(
            cur,
            &format!("the output of channel '{}' in '.xtalk'", src.name),
        )?;
        channels.push((src, out));
    }
    if channels.len() < 2 {
        return cur.error(
            cur.missing_span(),
            "expected at least two channels in '.xtalk SRC1 OUT1 SRC2 OUT2 ...'",
        );
    }
    Ok(MeasureCard::Xtalk {
        channels,
        span: cur.card.full_span(),
    })
}

/// `.hum OUT SIGNALSRC INTERFERENCESRC`
fn hum_card(cur: &mut Cursor) -> PResult<MeasureCard> {
    let usage = "'.hum OUT SIGNALSRC INTERFERENCESRC'";
    let out = output_ref(cur, &format!("an output in {usage}"))?;
    let signal = cur.expect_word(format_args!("the signal source in {usage}"))?;
    let interference = cur.expect_word(format_args!("the interference source in {usage}"))?;
    cur.end(".hum")?;
    Ok(MeasureCard::Hum {
        out,
        signal,
        interference,
        span: cur.card.full_span(),
    })
}

#[cfg(test)]
mod measure_card_tests {
    use crate::ast::*;
    use std::path::Path;

    fn cards(text: &str) -> Vec<MeasureCard> {
        let (n, _) = crate::parse_str(Path::new("t.net"), text).expect("parses");
        n.items
            .into_iter()
            .filter_map(|i| match i {
                Item::Measure(m) => Some(*m),
                _ => None,
            })
            .collect()
    }

    fn err(text: &str) -> String {
        crate::parse_str(Path::new("t.net"), text)
            .expect_err("fails")
            .0
            .to_string()
    }

    #[test]
    fn cmrr_forms() {
        let m = cards("t\n.cmrr out Vh Vc\n.CMRR v(a,b) vh vc imbalance=600\n.cmrr v(o) vh vc\n");
        let MeasureCard::Cmrr {
            out,
            hot,
            cold,
            imbalance,
            ..
        } = &m[0]
        else {
            panic!("{m:?}")
        };
        assert_eq!((out.pos.name.as_str(), &out.neg), ("out", &None));
        assert_eq!((hot.name.as_str(), cold.name.as_str()), ("vh", "vc"));
        assert!(imbalance.is_none());
        let MeasureCard::Cmrr { out, imbalance, .. } = &m[1] else {
            panic!()
        };
        assert_eq!(out.pos.name, "a");
        assert_eq!(out.neg.as_ref().map(|n| n.name.as_str()), Some("b"));
        assert_eq!(imbalance.as_ref().map(|v| &v.expr), Some(&Expr::Num(600.0)));
        let MeasureCard::Cmrr { out, .. } = &m[2] else {
            panic!()
        };
        assert_eq!((out.pos.name.as_str(), &out.neg), ("o", &None));
    }

    #[test]
    fn xtalk_and_hum() {
        let m = cards("t\n.xtalk vl v(lt,s) vr v(rt,s)\n.hum out vsig vhum\n");
        let MeasureCard::Xtalk { channels, .. } = &m[0] else {
            panic!()
        };
        assert_eq!(channels.len(), 2);
        assert_eq!(channels[1].0.name, "vr");
        assert_eq!(channels[1].1.pos.name, "rt");
        assert!(matches!(&m[1], MeasureCard::Hum { signal, .. } if signal.name == "vsig"));
    }

    #[test]
    fn bad_directives() {
        assert!(err("t\n.cmrr out vh\n").contains("cold-leg source"));
        assert!(err("t\n.cmrr out vh vc foo=1\n").contains("unknown '.cmrr' parameter 'foo'"));
        assert!(err("t\n.cmrr v(out vh vc\n").contains("expected ')'"));
        assert!(err("t\n.xtalk vl out\n").contains("at least two channels"));
        assert!(err("t\n.hum out a b c\n").contains("unexpected 'c'"));
    }
}
