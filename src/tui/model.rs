//! The TUI's state: the traced program, its sweep, the step index, and how
//! the user is looking at it (selection, focus, scroll, autoplay, help,
//! predict mode — whose questions, checks and hints are `app::quiz`'s).
//!
//! Owns what is derived once per trace (the DAG layout, the lane columns,
//! the table's group headers) and per style/seed (column widths), so that
//! drawing a frame only reads; what changes with the step (the numbers of
//! the current sweep, the folded graph) is updated in `set_step`. Must not
//! compute any derivative itself: the numbers come from `sweep`, step
//! structure from `schedule`. Key and mouse handling live in `update`;
//! many sweeps and the Jacobian in `sweeps`, groups in `groups`.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use ratatui::text::Span;

use crate::app::quiz::{Question, Quiz};
use crate::app::session::View;
use crate::app::settings::{Settings, Theme};
use crate::core::explain::Explainer;
use crate::core::layout::{self, Layout, NodeSpec};
use crate::core::notation::{Names, Notation, Style, fixed_width, label_letter};
use crate::core::pipeline::{Evaluation, Traced};
use crate::core::schedule::{Phase, Schedule, Step};
use crate::core::sweep::{self, Directions, Plan, Sweep, Warning};
use crate::core::trace::{Consumers, Trace};
use crate::tui::groups::{Folded, TableLines};
use crate::tui::keymap::When;
use crate::tui::sweeps::{JacobianView, SweepNumbers};

/// Above this many rows the graph pane shows lanes instead of the DAG: a
/// layered drawing of thousands of boxes helps no one and may not fit u16.
pub const LANE_THRESHOLD: usize = 300;

/// Autoplay intervals, slowest first; `+`/`−` move along them.
const SPEEDS_MS: [u64; 7] = [2000, 1200, 800, 500, 300, 150, 80];
const DEFAULT_SPEED: usize = 2;

/// How the TUI looks and what it traces with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TuiOptions {
    pub style: Style,
    pub theme: Theme,
    /// Keep repeated subexpressions as separate rows.
    pub no_cse: bool,
    /// `NO_COLOR`: attributes only, no colours.
    pub no_color: bool,
    /// Start in the lane view even for small traces.
    pub lanes: bool,
}

impl TuiOptions {
    /// The options of a session's settings (boxes, not lanes).
    pub fn from_settings(s: &Settings) -> TuiOptions {
        TuiOptions {
            style: s.style,
            theme: s.theme,
            no_cse: s.no_cse,
            no_color: s.no_color,
            lanes: false,
        }
    }
}

/// What the loop should do after an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    Quit,
}

/// What keys do now.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// The keymap applies.
    #[default]
    Stepping,
    /// The help overlay is open: any key closes it.
    Help,
    /// A seed direction is being typed (`W`), e.g. `x=1, y=0.5`.
    TypingSeed(String),
    /// A step number is being typed (`g`), 1-based as shown.
    TypingStep(String),
    /// Predict mode asked for the next step's cell: the prediction being
    /// typed (the question is the current one of `Predict::at`'s quiz).
    Predicting(String),
}

/// Predict mode (`p`): the questions of the first sweeps (`app::quiz`
/// owns them, the check, the hints and the score), asked as the student
/// steps forward, and the feedback to the last answer.
#[derive(Clone, Debug)]
pub(crate) struct Predict {
    /// The quiz of each step reached so far, by step index: a step's
    /// questions are built when it is reached, so a large trace costs
    /// nothing up front.
    pub(crate) steps: BTreeMap<usize, Quiz>,
    /// The step whose question is open (or was last).
    pub(crate) at: Option<usize>,
    pub(crate) note: Option<Note>,
    /// Every cell predict mode may ask (for "… not asked").
    cells: usize,
    /// What the questions were made from: another trace (CSE), seed or
    /// plan makes new questions and a new score.
    made_for: (usize, Plan, Vec<f64>),
    /// The notation and precision the questions are named and checked in.
    style: Style,
}

impl Predict {
    /// The open question: its step, its quiz and the note under it; `None`
    /// when no question is open (or it is answered).
    pub(crate) fn open(&mut self) -> Option<(usize, &mut Quiz, &mut Option<Note>)> {
        let k = self.at?;
        let quiz = self.steps.get_mut(&k).filter(|q| !q.done())?;
        Some((k, quiz, &mut self.note))
    }
}

/// The answer to a prediction that did not settle its question.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Note {
    /// Wrong: the hint at this level (1 to 3) and what was typed.
    Hint {
        level: usize,
        hint: String,
        said: String,
    },
    /// Not a number: asked again, not counted.
    NotANumber(String),
}

/// Which pane the arrow keys scroll. `Steps`: the arrows step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Steps,
    Graph,
    Table,
    Explain,
}

impl Focus {
    pub fn next(self) -> Focus {
        match self {
            Focus::Steps => Focus::Graph,
            Focus::Graph => Focus::Table,
            Focus::Table => Focus::Explain,
            Focus::Explain => Focus::Steps,
        }
    }
    pub fn prev(self) -> Focus {
        match self {
            Focus::Steps => Focus::Explain,
            Focus::Graph => Focus::Steps,
            Focus::Table => Focus::Graph,
            Focus::Explain => Focus::Table,
        }
    }
}

/// The lane view's columns: one line per row, each value a vertical lane
/// from its row down to its last use.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lanes {
    /// The column of each row's marker (and of its lane below it).
    pub col: Vec<u32>,
    /// The last row using each row, or `NO_USE`.
    pub last_use: Vec<u32>,
    /// Number of columns.
    pub width: u32,
    /// Which row owns each column (`NO_USE` if none) as row `k·every`
    /// starts, `width` entries per k: a frame deep in a long trace replays
    /// the columns from the nearest of these, not from the first row.
    checkpoints: Vec<u32>,
    every: usize,
}

/// Columns × checkpoints kept at most (16 MB); rows between two
/// checkpoints at least.
const CHECKPOINT_BUDGET: usize = 1 << 22;
const CHECKPOINT_EVERY: usize = 1 << 10;

pub const NO_USE: u32 = u32::MAX;

impl Lanes {
    /// Greedy interval colouring: a row takes the column of an operand
    /// lane that ends at it (a chain stays one straight line), else the
    /// lowest free column.
    pub fn new(trace: &Trace) -> Lanes {
        let n = trace.len();
        let mut last_use = vec![NO_USE; n];
        for (j, node) in trace.nodes.iter().enumerate() {
            for r in node.row_args() {
                if let Some(l) = last_use.get_mut(r as usize) {
                    *l = j as u32;
                }
            }
        }
        let mut col = vec![0u32; n];
        let mut free = std::collections::BinaryHeap::new();
        let mut width = 0u32;
        for (i, node) in trace.nodes.iter().enumerate() {
            let mut ending: Vec<u32> = node
                .row_args()
                .filter(|&r| last_use.get(r as usize) == Some(&(i as u32)))
                .map(|r| col[r as usize])
                .collect();
            ending.sort_unstable();
            ending.dedup();
            let mine = match ending.first() {
                Some(&c) => c,
                None => match free.pop() {
                    Some(std::cmp::Reverse(c)) => c,
                    None => {
                        width += 1;
                        width - 1
                    }
                },
            };
            col[i] = mine;
            for &c in ending.iter().skip(1) {
                free.push(std::cmp::Reverse(c));
            }
            if last_use[i] == NO_USE {
                free.push(std::cmp::Reverse(mine));
            }
        }
        let mut lanes = Lanes {
            col,
            last_use,
            width,
            checkpoints: Vec::new(),
            every: usize::MAX,
        };
        let w = width as usize;
        if n > CHECKPOINT_EVERY && w > 0 {
            lanes.every = CHECKPOINT_EVERY.max((n * w).div_ceil(CHECKPOINT_BUDGET));
            let mut occ = vec![NO_USE; w];
            let mut checkpoints = Vec::with_capacity(n.div_ceil(lanes.every) * w);
            for y in 0..n {
                if y % lanes.every == 0 {
                    checkpoints.extend_from_slice(&occ);
                }
                lanes.advance(trace, &mut occ, y);
            }
            lanes.checkpoints = checkpoints;
        }
        lanes
    }

    /// The owners of the columns after row `y`: its operands' lanes that
    /// end at it are freed, and its own lane starts if anything uses it.
    pub fn advance(&self, trace: &Trace, occ: &mut [u32], y: usize) {
        for r in trace.nodes[y].row_args() {
            if self.last_use[r as usize] == y as u32
                && let Some(o) = occ.get_mut(self.col[r as usize] as usize)
                && *o == r
            {
                *o = NO_USE;
            }
        }
        if self.last_use[y] != NO_USE
            && let Some(o) = occ.get_mut(self.col[y] as usize)
        {
            *o = y as u32;
        }
    }

    /// A row at or before `y` and the owners of the columns as it starts
    /// (the nearest checkpoint; row 0 and no owners without one).
    pub fn state_before(&self, y: usize) -> (usize, Vec<u32>) {
        let w = self.width as usize;
        let k = y / self.every.max(1);
        match self.checkpoints.get(k * w..(k + 1) * w) {
            Some(occ) if w > 0 => (k * self.every, occ.to_vec()),
            _ => (0, vec![NO_USE; w]),
        }
    }
}

/// The text widths of the table's columns and the graph's boxes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Widths {
    pub label: usize,
    pub name: usize,
    pub op: usize,
    pub value: usize,
    pub tangent: usize,
    pub adjoint: usize,
}

/// What is derived from the trace alone (per CSE setting).
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// The DAG layout; `None` for traces too large to draw as boxes.
    pub layout: Option<Layout>,
    /// The box sizes the layout was made for.
    pub specs: Vec<NodeSpec>,
    /// The compact layouts (nodes as text without borders): `[0]` one row
    /// per node (a marker, the name and operation), `[1]` two rows (the
    /// numbers under it). Laid out with the boxes, for every terminal size.
    pub compact: [Option<Layout>; 2],
    pub lanes: Lanes,
    pub consumers: Consumers,
    /// The table's lines: rows and the group headers between them.
    pub lines: TableLines,
    /// Folded graphs already laid out, by the group drawn row by row.
    pub folds: Vec<std::rc::Rc<Folded>>,
    /// The labels' letter in the lecture's and in Griewank's notation
    /// (finding it reads every row's name: once per trace, not per frame).
    pub letters: [&'static str; 2],
}

/// A graph box: title in the top border, two lines inside.
pub const BOX_HEIGHT: u16 = 4;

/// Most columns a box title or a table cell may take.
pub const MAX_TEXT: usize = 28;

/// The state of one TUI session.
pub struct Model {
    /// A line shown under the explanation (the replay player's narration).
    pub caption: Option<String>,
    /// The title bar text; defaults to the program.
    pub title: Option<String>,
    /// Shown by `adtrace play`: the key bar names the presenter's keys.
    pub presenting: bool,
    pub(crate) traced: Rc<Traced>,
    pub(crate) point: Vec<f64>,
    pub(crate) seed: Vec<f64>,
    pub(crate) sweep: Sweep,
    pub(crate) opts: TuiOptions,
    pub(crate) step: usize,
    pub(crate) selected: Option<usize>,
    pub(crate) focus: Focus,
    pub(crate) mode: Mode,
    pub(crate) autoplay: bool,
    pub(crate) speed: usize,
    pub(crate) lane_view: bool,
    /// Manual graph offset (canvas cell at the pane's top left); `None`
    /// follows the current row.
    pub(crate) graph_pan: Option<(i32, i32)>,
    /// Manual first table row; `None` keeps the current row in view.
    pub(crate) table_top: Option<usize>,
    pub(crate) explain_scroll: u16,
    /// The terminal size, for mouse hit tests.
    pub(crate) size: (u16, u16),
    pub(crate) drag: Option<(u16, u16)>,
    /// A one-line note after an action (CSE toggled, seed changed).
    pub(crate) status: Option<String>,
    /// The table shows each row's symbolic rule beside its numbers (`R`).
    pub(crate) rule_column: bool,
    pub(crate) derived: Derived,
    pub(crate) widths: Widths,
    /// The numbers of the current step's sweep when it is not the first
    /// of its phase (kept while stepping within it).
    pub(crate) shown: Option<SweepNumbers>,
    /// The Jacobian pane's data (programs with several outputs).
    pub(crate) jac: Option<JacobianView>,
    /// `J`: the Jacobian pane hidden (or, in narrow terminals, shown in
    /// place of the explanation).
    pub(crate) jacobian_toggled: bool,
    /// `g`: statement groups other than the current row's drawn as one box.
    pub(crate) fold: bool,
    /// The folded graph for the current row, when folding.
    pub(crate) folded: Option<std::rc::Rc<Folded>>,
    /// A "why AD" view over the panes (`widgets::why`).
    pub(crate) why: Option<crate::tui::widgets::why::Why>,
    /// CSE being toggled on a large trace, on another thread.
    pub(crate) retracing: Option<crate::tui::retrace::Retracing>,
    /// Predict mode (`p`), when on.
    pub(crate) predict: Option<Predict>,
}

impl Model {
    /// The model of a program at a point along a seed (both sweeps run).
    pub fn new(traced: Traced, point: Vec<f64>, seed: Vec<f64>, opts: TuiOptions) -> Model {
        let eval = Evaluation::new(&traced.trace, point, seed);
        Model::with(Rc::new(traced), eval, opts)
    }

    /// The model of an evaluated program (the trace shared, the numbers as
    /// they are: no sweep runs again).
    pub fn with(traced: Rc<Traced>, eval: Evaluation, opts: TuiOptions) -> Model {
        let mut m = Model::bare(traced, eval, opts);
        m.rebuild();
        m
    }

    /// A model with nothing derived yet.
    fn bare(traced: Rc<Traced>, eval: Evaluation, opts: TuiOptions) -> Model {
        let Evaluation {
            point, seed, sweep, ..
        } = eval;
        // A program with vectors starts folded: its statements are boxes,
        // the current one row by row.
        let fold = !traced.trace.groups.is_empty();
        Model {
            caption: None,
            title: None,
            presenting: false,
            traced,
            point,
            seed,
            sweep,
            opts,
            step: 0,
            selected: None,
            focus: Focus::Steps,
            mode: Mode::Stepping,
            autoplay: false,
            speed: DEFAULT_SPEED,
            lane_view: opts.lanes,
            graph_pan: None,
            table_top: None,
            explain_scroll: 0,
            size: (80, 24),
            drag: None,
            status: None,
            rule_column: false,
            derived: Derived::default(),
            widths: Widths::default(),
            shown: None,
            jac: None,
            jacobian_toggled: false,
            fold,
            folded: None,
            why: None,
            retracing: None,
            predict: None,
        }
    }

    /// The model of a session's view (`Output::View`), at its step and
    /// with its title.
    pub fn from_view(v: &View) -> Model {
        Model::from_view_after(v, None)
    }

    /// The same, taking over what `old` derived from the same trace (its
    /// layout, lanes and consumer lists) when its boxes have the same
    /// sizes: reopening a view does not lay the graph out again.
    pub fn from_view_after(v: &View, old: Option<Model>) -> Model {
        let opts = TuiOptions::from_settings(&v.settings);
        let mut m = Model::bare(v.traced.clone(), (*v.eval).clone(), opts);
        match old {
            Some(old) if Rc::ptr_eq(&old.traced, &v.traced) => m.derive(Some(old.derived)),
            _ => m.rebuild(),
        }
        m.set_step(v.step);
        m.title = v.title.clone();
        m
    }

    pub fn step_index(&self) -> usize {
        self.step
    }

    pub fn step_count(&self) -> usize {
        self.schedule().count()
    }

    /// Go to step `k` (clamped); the views follow the current row again.
    pub fn set_step(&mut self, k: usize) {
        self.step = k.min(self.step_count().saturating_sub(1));
        self.graph_pan = None;
        self.table_top = None;
        self.explain_scroll = 0;
        self.sync_sweep();
        self.sync_fold();
    }

    /// The sweeps' steps for this trace.
    pub fn schedule(&self) -> Schedule {
        self.sweep.schedule(self.trace())
    }

    /// The model's own numbers: the first sweep of each phase (`numbers`
    /// has the current step's sweep).
    pub fn sweep(&self) -> &Sweep {
        &self.sweep
    }

    pub fn trace(&self) -> &Trace {
        &self.traced.trace
    }

    pub fn options(&self) -> &TuiOptions {
        &self.opts
    }

    /// The seed direction, per input.
    pub fn seed(&self) -> &[f64] {
        &self.seed
    }

    /// The DAG layout, if the trace is small enough to draw as boxes. It is
    /// computed once per trace and CSE setting and never moves.
    pub fn graph_layout(&self) -> Option<&Layout> {
        self.derived.layout.as_ref()
    }

    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    pub fn select(&mut self, row: Option<usize>) {
        self.selected = row.filter(|&r| r < self.trace().len());
    }

    /// Tell the model the terminal size (mouse hit tests use it).
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
    }

    /// Whether the graph pane shows lanes (forced for large traces).
    pub fn lane_view(&self) -> bool {
        self.lane_view || self.derived.layout.is_none()
    }

    /// `p`: predict mode on (questions over this trace's sweeps, a new
    /// score) or off.
    pub fn toggle_predict(&mut self) {
        if let Some((k, n)) = self.predict_tally() {
            self.predict = None;
            self.status = Some(format!("predict mode off · {k}/{n} right"));
            return;
        }
        let p = self.new_predict();
        self.status = Some(if p.cells == 0 {
            "predict mode on, but this program has no cell to predict (p turns it off)".to_string()
        } else {
            format!(
                "predict mode on: stepping forward asks for each cell first ({} cells; p turns it off)",
                p.cells
            )
        });
        self.predict = Some(p);
    }

    fn predict_key(&self) -> (usize, Plan, Vec<f64>) {
        (
            Rc::as_ptr(&self.traced) as usize,
            self.sweep.plan.clone(),
            self.seed.clone(),
        )
    }

    fn new_predict(&self) -> Predict {
        Predict {
            steps: BTreeMap::new(),
            at: None,
            note: None,
            cells: Quiz::cells(self.trace(), &self.sweep),
            made_for: self.predict_key(),
            style: self.opts.style,
        }
    }

    /// The explainer of the questions: the first sweeps' numbers (the
    /// quiz's), not the current step's sweep.
    fn quiz_explainer(&self) -> Explainer<'_> {
        Explainer::new(self.trace(), &self.sweep, self.names())
            .with_consumers(&self.derived.consumers)
    }

    /// Build step `k`'s quiz if predict mode has not reached it yet.
    pub(crate) fn reach_step(&mut self, k: usize) {
        let reached = self
            .predict
            .as_ref()
            .is_none_or(|p| p.steps.contains_key(&k));
        let Some(st) = self.schedule().step(k).filter(|_| !reached) else {
            return;
        };
        let quiz = Quiz::at_step(self.trace(), &self.sweep, &self.quiz_explainer(), st);
        if let Some(p) = self.predict.as_mut() {
            p.steps.insert(k, quiz);
        }
    }

    /// After an action: predict mode's questions follow the numbers (a new
    /// seed, mode or CSE setting makes new ones and a new score) and the
    /// notation (the same questions, named anew, the score kept).
    pub(crate) fn sync_predict(&mut self) {
        let Some(p) = &self.predict else {
            return;
        };
        let numbers_same = p.made_for == self.predict_key();
        if numbers_same && p.style == self.opts.style {
            return;
        }
        let mut fresh = self.new_predict();
        if numbers_same {
            if let Some(old) = self.predict.take() {
                let ex = self.quiz_explainer();
                let schedule = self.schedule();
                for (k, q) in old.steps {
                    let Some(st) = schedule.step(k) else {
                        continue;
                    };
                    let mut renamed = Quiz::at_step(self.trace(), &self.sweep, &ex, st);
                    renamed.outcomes = q.outcomes;
                    renamed.current = q.current;
                    fresh.steps.insert(k, renamed);
                }
                fresh.at = old.at;
                fresh.note = old.note;
            }
        } else {
            self.status =
                Some("predict: new numbers, new questions (the score starts again)".into());
            if matches!(self.mode, Mode::Predicting(_)) {
                self.mode = Mode::Stepping;
            }
        }
        self.predict = Some(fresh);
    }

    /// Whether predict mode is on.
    pub fn predicting(&self) -> bool {
        self.predict.is_some()
    }

    /// The question being asked, while a prediction is typed.
    pub fn question(&self) -> Option<&Question> {
        match (&self.mode, &self.predict) {
            (Mode::Predicting(_), Some(p)) => {
                p.at.and_then(|k| p.steps.get(&k)).and_then(Quiz::question)
            }
            _ => None,
        }
    }

    /// The prediction being typed, if a question is open.
    pub fn prediction_input(&self) -> Option<&str> {
        match &self.mode {
            Mode::Predicting(t) => Some(t),
            _ => None,
        }
    }

    /// Predict mode's running score: right answers and cells told so far.
    pub fn predict_tally(&self) -> Option<(usize, usize)> {
        let p = self.predict.as_ref()?;
        Some(
            p.steps
                .values()
                .map(Quiz::tally)
                .fold((0, 0), |(k, n), (a, b)| (k + a, n + b)),
        )
    }

    /// The score line of the closing summary, in predict mode.
    pub(crate) fn predict_summary(&self) -> Option<String> {
        let (k, n) = self.predict_tally()?;
        let all = self.predict.as_ref().map_or(0, |p| p.cells);
        let mut s = format!("predicted {k} of {n} cells right");
        if n < all {
            s.push_str(&format!(" ({} not asked)", all - n));
        }
        Some(s)
    }

    /// Whether a key of the keymap means something for this program.
    pub(crate) fn key_applies(&self, when: When) -> bool {
        let t = self.trace();
        match when {
            When::Always => true,
            When::ManySweeps => t.n_inputs > 1 || t.n_outputs > 1,
            When::ManyOutputs => t.n_outputs > 1,
            When::Groups => !t.groups.is_empty(),
        }
    }

    /// `J`: hide the Jacobian pane (in narrow terminals: show it in place
    /// of the explanation).
    pub fn toggle_jacobian(&mut self) {
        if self.jac.is_none() {
            self.status = Some(
                "one output: no Jacobian pane (the gradient is the adjoint column)".to_string(),
            );
            return;
        }
        self.jacobian_toggled = !self.jacobian_toggled;
    }

    pub fn help_open(&self) -> bool {
        self.mode == Mode::Help
    }

    pub fn autoplaying(&self) -> bool {
        self.autoplay
    }

    /// How long to wait for input before the next autoplay tick, or `None`
    /// when not autoplaying (then the loop blocks: no CPU when idle).
    pub fn autoplay_interval(&self) -> Option<Duration> {
        self.autoplay
            .then(|| Duration::from_millis(SPEEDS_MS[self.speed.min(SPEEDS_MS.len() - 1)]))
    }

    /// One autoplay tick: the next step, stopping at the last one.
    pub fn tick(&mut self) {
        if !self.autoplay {
            return;
        }
        if self.step + 1 < self.step_count() {
            // In predict mode a step that reveals a cell asks first (and
            // the autoplay stops for the answer).
            self.step_forward();
        } else {
            self.autoplay = false;
        }
    }

    /// The current step, if the trace has any.
    pub fn current(&self) -> Option<Step> {
        self.schedule().step(self.step)
    }

    pub(crate) fn phase(&self) -> Phase {
        self.current().map_or(Phase::Forward, |s| s.phase)
    }

    pub(crate) fn names(&self) -> Names<'_> {
        let letter = match self.opts.style.notation {
            Notation::Lecture => self.derived.letters[0],
            Notation::Griewank => self.derived.letters[1],
        };
        if letter.is_empty() {
            // Not derived yet.
            return Names::new(self.trace(), self.opts.style);
        }
        Names::with_letter(self.trace(), self.opts.style, letter)
    }

    pub(crate) fn explainer(&self) -> Explainer<'_> {
        // The consumer lists are kept per trace: not rebuilt every frame.
        Explainer::new(self.trace(), self.numbers(), self.names())
            .with_consumers(&self.derived.consumers)
    }

    /// Whether row `i`'s derivative in this phase is structurally zero.
    pub(crate) fn inactive(&self, i: usize) -> bool {
        match self.phase() {
            Phase::Forward => !self.numbers().seeded.get(i).copied().unwrap_or(true),
            Phase::Reverse => !self.trace().nodes.get(i).is_none_or(|n| n.reaches_output),
        }
    }

    /// Whether row `i` has a warning the current step has reached.
    pub(crate) fn has_warning(&self, i: usize) -> bool {
        self.warnings_at(i).next().is_some()
    }

    /// Row `i`'s warnings that the current step has reached (a reverse
    /// sweep's warning is not shown during the forward sweep).
    pub(crate) fn warnings_at(&self, i: usize) -> impl Iterator<Item = &Warning> {
        let known = self.schedule().known(self.step, i);
        self.numbers()
            .warnings_at(i)
            .filter(move |w| w.shown(known))
    }

    pub(crate) fn speed_label(&self) -> String {
        let ms = SPEEDS_MS[self.speed.min(SPEEDS_MS.len() - 1)];
        format!("{:.1} s/step", ms as f64 / 1000.0)
    }

    pub(crate) fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS_MS.len() - 1);
    }

    pub(crate) fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    /// Next seed direction e_k through the inputs; the step index is kept
    /// and only the tangents are recomputed.
    pub fn cycle_seed(&mut self) {
        let n = self.trace().n_inputs;
        if n == 0 {
            return;
        }
        let nonzero: Vec<usize> = (0..self.seed.len())
            .filter(|&i| self.seed[i] != 0.0)
            .collect();
        let k = match nonzero.as_slice() {
            [k] if self.seed[*k] == 1.0 => (k + 1) % n,
            _ => 0,
        };
        let mut seed = vec![0.0; n];
        seed[k] = 1.0;
        self.set_seed(seed);
    }

    /// Set the seed direction: the forward tangents are recomputed from the
    /// stored partials; the step index is kept.
    pub fn set_seed(&mut self, seed: Vec<f64>) {
        if matches!(self.sweep.plan.forward, Directions::Units(_)) {
            self.status = Some(
                "forward mode sweeps along each input in turn: j switches to reverse mode to choose a seed"
                    .to_string(),
            );
            return;
        }
        self.seed = seed;
        sweep::tangents(&self.traced.trace, &mut self.sweep, &self.seed);
        self.sweep.plan.forward = Directions::Given(self.seed.clone());
        self.widths = self.compute_widths();
        if let Some(jv) = self.jac.as_mut() {
            jv.replan(&self.traced.trace, &self.sweep);
        }
        self.resweep();
        let seed = self.explainer().seed_text();
        self.status = Some(format!("seed: {seed}"));
    }

    /// Set the seed from typed text (`x=1, y=0.5`; names left out are 0).
    /// On a mistake the seed is unchanged and the message says why.
    pub fn type_seed(&mut self, text: &str) -> Result<(), String> {
        match self
            .traced
            .seed(&crate::core::pipeline::SeedSpec::List(text.to_string()))
        {
            Ok(seed) => {
                self.set_seed(seed);
                Ok(())
            }
            Err(f) => {
                let d = &f.diagnostic;
                Err(match &d.hint {
                    Some(h) => format!("{} ({h})", d.message),
                    None => d.message.clone(),
                })
            }
        }
    }

    /// The step number being typed after `g`, if any.
    pub fn step_input(&self) -> Option<&str> {
        match &self.mode {
            Mode::TypingStep(t) => Some(t),
            _ => None,
        }
    }

    /// Go to a typed step number (1-based, as the view shows steps).
    pub(crate) fn go_to_typed_step(&mut self, text: &str) {
        let n = self.step_count();
        match text.trim().parse::<usize>() {
            Ok(k) if (1..=n).contains(&k) => self.set_step(k - 1),
            _ => {
                self.status = Some(format!("no step '{}': the steps are 1 to {n}", text.trim()));
            }
        }
    }

    /// The seed direction being typed, if any.
    pub fn seed_input(&self) -> Option<&str> {
        match &self.mode {
            Mode::TypingSeed(t) => Some(t),
            _ => None,
        }
    }

    /// Re-trace with CSE toggled; the step index is kept, clamped. A large
    /// trace is traced again in the background (`retrace`): the view goes
    /// on meanwhile, and toggling again cancels it.
    pub fn toggle_cse(&mut self) {
        if let Some(r) = &self.retracing {
            r.cancel();
            return;
        }
        let job = self.traced.retrace_later(!self.opts.no_cse);
        if self.trace().len() >= crate::tui::retrace::BACKGROUND_FROM {
            let r = crate::tui::retrace::Retracing::start(job);
            self.status = Some(r.status());
            self.retracing = Some(r);
        } else {
            let no_cse = job.no_cse;
            self.adopt_retrace(Some(job.run()), no_cse);
        }
    }

    /// Whether a re-trace runs in the background (the terminal loop then
    /// wakes every tenth of a second to call `poll_background`).
    pub fn busy(&self) -> bool {
        self.retracing.is_some()
    }

    /// Adopt a finished background re-trace, or say how far it is.
    pub fn poll_background(&mut self) {
        match self.retracing.take() {
            Some(r) if r.finished() => {
                let no_cse = r.no_cse;
                self.adopt_retrace(r.join(), no_cse);
                // Not after a key: predict mode follows the new trace here.
                self.sync_predict();
            }
            Some(r) => {
                self.status = Some(r.status());
                self.retracing = Some(r);
            }
            None => {}
        }
    }

    /// Stop a background re-trace (Esc); the view keeps its trace.
    pub fn cancel_background(&mut self) -> bool {
        match &self.retracing {
            Some(r) => {
                r.cancel();
                true
            }
            None => false,
        }
    }

    fn adopt_retrace(
        &mut self,
        result: Option<Result<Traced, crate::core::pipeline::Failure>>,
        no_cse: bool,
    ) {
        match result {
            Some(Ok(t)) if t.trace.n_inputs == self.point.len() => {
                self.traced = Rc::new(t);
                self.opts.no_cse = no_cse;
                let cotangent = match &self.sweep.plan.reverse {
                    Directions::Given(c) if self.trace().n_outputs > 1 => Some(c.clone()),
                    _ => None,
                };
                let eval = Evaluation::planned(
                    &self.traced.trace,
                    self.point.clone(),
                    self.seed.clone(),
                    self.sweep.plan.mode,
                    cotangent,
                );
                self.sweep = eval.sweep;
                self.shown = None;
                self.folded = None;
                self.selected = self.selected.filter(|&r| r < self.trace().len());
                self.rebuild();
                let k = self.step;
                self.set_step(k);
                self.status = Some(format!(
                    "CSE {}: {} rows",
                    if no_cse { "off" } else { "on" },
                    self.trace().len()
                ));
            }
            Some(Err(f)) if f.kind == crate::core::pipeline::FailureKind::Cancelled => {
                self.status = Some(format!(
                    "CSE toggle cancelled: CSE stays {}",
                    if self.opts.no_cse { "off" } else { "on" }
                ));
            }
            _ => self.status = Some("cannot re-trace this program".to_string()),
        }
    }

    /// Switch lecture ↔ Griewank notation (the layout does not move: box
    /// sizes fit both).
    pub fn toggle_notation(&mut self) {
        self.opts.style.notation = match self.opts.style.notation {
            Notation::Lecture => Notation::Griewank,
            Notation::Griewank => Notation::Lecture,
        };
        self.widths = self.compute_widths();
        self.status = Some(format!("notation: {}", self.opts.style.notation.name()));
    }

    pub fn toggle_lanes(&mut self) {
        if self.derived.layout.is_none() {
            self.status = Some(format!(
                "{} rows: only the lane view is available",
                self.trace().len()
            ));
            return;
        }
        self.lane_view = !self.lane_view;
        self.graph_pan = None;
    }

    fn rebuild(&mut self) {
        self.derive(None);
    }

    /// Re-derive what depends on the trace and the plan, then sync what
    /// depends on the step.
    fn derive(&mut self, reuse: Option<Derived>) {
        self.derive_trace(reuse);
        self.derive_jacobian();
        self.shown = None;
        self.folded = None;
        self.sync_sweep();
        self.sync_fold();
    }

    /// Derive what drawing needs: the widths, and unless `reuse` was made
    /// for the same boxes, the layout, the lanes and the consumer lists.
    fn derive_trace(&mut self, reuse: Option<Derived>) {
        self.widths = self.compute_widths();
        let trace = &self.traced.trace;
        let specs = if trace.len() <= LANE_THRESHOLD {
            self.box_specs()
        } else {
            Vec::new()
        };
        if let Some(old) = reuse.filter(|d| d.specs == specs) {
            self.derived = old;
            return;
        }
        let trace = &self.traced.trace;
        self.derived = Derived {
            layout: None,
            specs: Vec::new(),
            compact: [None, None],
            lanes: Lanes::new(trace),
            consumers: trace.consumers(),
            lines: TableLines::new(trace),
            folds: Vec::new(),
            letters: [
                label_letter(trace, Notation::Lecture),
                label_letter(trace, Notation::Griewank),
            ],
        };
        if !specs.is_empty() {
            let lay = layout::layout(&specs);
            if lay.width < u16::MAX && lay.height < u16::MAX {
                self.derived.layout = Some(lay);
                self.derived.compact = self.compact_layouts(&specs);
            }
        }
        self.derived.specs = specs;
    }

    /// `f` with the explainer and number widths of each notation: boxes are
    /// sized for both, so switching notation moves nothing.
    fn each_notation(&self, mut f: impl FnMut(&Explainer, &Widths)) {
        let trace = self.trace();
        for notation in [Notation::Lecture, Notation::Griewank] {
            let style = Style {
                notation,
                ..self.opts.style
            };
            let ex = Explainer::new(trace, &self.sweep, Names::new(trace, style));
            f(&ex, &number_widths(trace, &self.sweep, &self.seed, style));
        }
    }

    /// Box sizes: wide enough for the title and every line a box may show
    /// (value, tangent, adjoint, a consumer's local partial) in both
    /// notations, so that neither stepping nor switching notation moves a box.
    fn box_specs(&self) -> Vec<NodeSpec> {
        let trace = self.trace();
        let mut widths = vec![0usize; trace.len()];
        self.each_notation(|ex, w| {
            let n = &ex.names;
            let num = w.value.max(w.tangent).max(w.adjoint);
            for (i, slot) in widths.iter_mut().enumerate() {
                let mut need = width(&box_title(ex, trace, i))
                    .max(width(&n.tangent(i)) + 1 + num)
                    .max(width(&n.adjoint(i)) + 1 + num);
                for p in trace.nodes[i].row_args() {
                    need = need.max(width(&n.partial(i, p as usize)) + 1 + num);
                }
                *slot = (*slot).max(need.min(MAX_TEXT) + 2);
            }
        });
        trace
            .nodes
            .iter()
            .zip(widths)
            .map(|(node, w)| NodeSpec {
                width: w.min(usize::from(u16::MAX)) as u16,
                height: BOX_HEIGHT,
                preds: node.row_args().map(|r| r as usize).collect(),
            })
            .collect()
    }

    /// The compact layouts for the boxes' graph: one row per node (the
    /// name and operation, `c=a + b`; the current row's marker sits in the
    /// gap to its left) and two rows (the numbers under
    /// it, as wide as the box's lines), sized for both notations like the
    /// boxes so that nothing moves while stepping.
    fn compact_layouts(&self, specs: &[NodeSpec]) -> [Option<Layout>; 2] {
        let trace = self.trace();
        let mut title = vec![0usize; trace.len()];
        let mut numbers = vec![0usize; trace.len()];
        self.each_notation(|ex, w| {
            let n = &ex.names;
            for i in 0..trace.len() {
                title[i] = title[i].max(width(&compact_title(ex, trace, i)).min(MAX_TEXT));
                let sym = width(&n.tangent(i)).max(width(&n.adjoint(i)));
                numbers[i] = numbers[i].max(w.value + 2 + sym + w.tangent.max(w.adjoint));
            }
        });
        let make = |rows: u16| {
            let nodes: Vec<NodeSpec> = specs
                .iter()
                .enumerate()
                .map(|(i, sp)| {
                    let w = if rows == 1 {
                        title[i]
                    } else {
                        title[i].max(numbers[i].min(MAX_TEXT))
                    };
                    NodeSpec {
                        width: w.min(usize::from(u16::MAX)) as u16,
                        height: rows,
                        preds: sp.preds.clone(),
                    }
                })
                .collect();
            let lay = layout::layout_compact(&nodes);
            (lay.width < u16::MAX && lay.height < u16::MAX).then_some(lay)
        };
        [make(1), make(2)]
    }

    pub(crate) fn compute_widths(&self) -> Widths {
        let trace = self.trace();
        let ex = self.explainer();
        let n = &ex.names;
        let mut w = number_widths(trace, &self.sweep, &self.seed, self.opts.style);
        let cols = n.columns();
        w.label = width("row");
        w.name = width("name");
        w.op = width("operation");
        // Names are cheap to measure; labels and operations are rendered,
        // so a huge trace measures its first and last rows only (labels
        // widen with the index; an operation wider than the column is cut
        // with … anyway) and the first frame does not render a million.
        let n_rows = trace.len();
        let sampled = |i: usize| i < WIDTH_SAMPLE || i + WIDTH_SAMPLE >= n_rows;
        for i in 0..n_rows {
            w.name = w.name.max(trace.name(i).map_or(0, width));
            if sampled(i) {
                w.label = w.label.max(width(&n.label(i)));
                w.op = w.op.max(width(&op_text(&ex, trace, i)));
            }
        }
        w.label = w.label.min(MAX_TEXT);
        w.name = w.name.min(12);
        w.op = w.op.min(MAX_TEXT);
        // Headers are shortened to their symbol when the table is tight.
        let short = |c: &str| c.rsplit(' ').next().map_or(0, width);
        w.value = w.value.max(short(&cols[0]));
        w.tangent = w.tangent.max(short(&cols[1]));
        w.adjoint = w.adjoint.max(short(&cols[2]));
        w
    }
}

/// Rows at each end of a trace whose labels and operations set the
/// table's widths.
const WIDTH_SAMPLE: usize = 50_000;

/// Above this many rows × sweeps the widths are those of the first sweeps
/// only (numbers of other sweeps wider than them are cut with …).
const WIDTH_BUDGET: usize = 4_000_000;

/// Widths of the formatted numbers (at least 6 so a box does not jitter
/// between narrow numbers), wide enough for every sweep either mode may
/// show, so that neither stepping nor switching mode moves a column.
fn number_widths(trace: &Trace, sweep: &Sweep, seed: &[f64], style: Style) -> Widths {
    let p = style.precision;
    let widest = |v: &[f64]| {
        v.iter()
            .take(trace.len())
            .map(|&x| fixed_width(x, p))
            .max()
            .unwrap_or(0)
    };
    let mut w = Widths {
        value: widest(&sweep.value),
        tangent: widest(&sweep.tangent),
        adjoint: widest(&sweep.adjoint),
        ..Widths::default()
    };
    let cotangent = match &sweep.plan.reverse {
        Directions::Given(c) if trace.n_outputs > 1 => Some(c.as_slice()),
        _ => None,
    };
    let plans = [
        Plan::new(trace, sweep::Mode::Forward, seed, None),
        Plan::new(trace, sweep::Mode::Reverse, seed, cotangent),
    ];
    let sweeps: usize = plans
        .iter()
        .map(|p| p.forward.count() + p.reverse.count())
        .sum();
    // One input and one output: both plans are the sweeps already made.
    let more = plans
        .iter()
        .any(|p| p.forward.count() > 1 || p.reverse.count() > 1);
    if more && trace.len().saturating_mul(sweeps) <= WIDTH_BUDGET {
        for plan in &plans {
            sweep.each_sweep(trace, plan, |phase, _, v| {
                let slot = match phase {
                    Phase::Forward => &mut w.tangent,
                    Phase::Reverse => &mut w.adjoint,
                };
                *slot = (*slot).max(widest(v));
            });
        }
    }
    w.value = w.value.clamp(6, 24);
    w.tangent = w.tangent.clamp(6, 24);
    w.adjoint = w.adjoint.clamp(6, 24);
    w
}

/// The display width of a text.
pub(crate) fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// At most `w` columns of `s`, cut after a whole word (then …); `None`
/// when not even the first word fits.
pub(crate) fn whole_words(s: &str, w: usize) -> Option<String> {
    if width(s) <= w {
        return Some(s.to_string());
    }
    let mut out = String::new();
    for word in s.split_inclusive(' ') {
        if width(&out) + width(word.trim_end()) + 1 > w {
            break;
        }
        out.push_str(word);
    }
    let kept = out.trim_end();
    (!kept.is_empty()).then(|| format!("{kept}…"))
}

/// At most `w` columns of `s`, cut after a whole word (then …); a first
/// word longer than `w` is cut with ….
pub(crate) fn cut_words(s: &str, w: usize) -> String {
    if let Some(cut) = whole_words(s, w) {
        return cut;
    }
    let mut cut = String::new();
    for c in s.chars() {
        if width(&cut) + width(c.encode_utf8(&mut [0; 4])) + 1 > w {
            break;
        }
        cut.push(c);
    }
    if w == 0 { cut } else { format!("{cut}…") }
}

/// The table's operation cell: `input` for inputs, else `a + b`.
pub(crate) fn op_text(ex: &Explainer, trace: &Trace, i: usize) -> String {
    if i < trace.len() {
        ex.op_text(i)
    } else {
        String::new()
    }
}

/// A compact graph node's title: `c=a + b`, `x3=x1·x2` (the table's
/// operation after the name, tight so that a layer fits 80 columns), or
/// `x (input)`.
pub(crate) fn compact_title(ex: &Explainer, trace: &Trace, i: usize) -> String {
    match trace.nodes.get(i) {
        Some(node) if node.op != crate::core::ops::Op::Input => {
            format!("{}={}", ex.names.sym(i), ex.op_text(i))
        }
        _ => box_title(ex, trace, i),
    }
}

/// A graph box's title: `c = a + b`, `x3 = x1 + x2`, `x (input)`.
pub(crate) fn box_title(ex: &Explainer, trace: &Trace, i: usize) -> String {
    if i < trace.len() {
        ex.names.text(&ex.definition(i))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline;

    fn model(src: &str) -> Model {
        let t = pipeline::trace(src, "", false).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&pipeline::SeedSpec::First).unwrap();
        Model::new(t, p, s, TuiOptions::default())
    }

    #[test]
    fn lanes_keep_chains_straight_and_reuse_columns() {
        let m =
            model("a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1");
        let l = &m.derived.lanes;
        // x → a → b is one line; c takes a's column (a ends at c).
        assert_eq!(l.col[0], l.col[1]);
        assert_eq!(l.col[1], l.col[3]);
        assert_eq!(l.last_use[1], 3);
        assert_eq!(l.last_use[6], NO_USE);
        assert!(l.width <= 3, "{l:?}");
    }

    /// A frame deep in a long trace starts from a checkpoint of the
    /// columns' owners: each is what replaying from the first row gives,
    /// and so is the state reached from it at any later row.
    #[test]
    fn lane_checkpoints_are_the_replayed_columns() {
        let mut src = String::from("v0 = sin(x)\n");
        for i in 1..4000 {
            // Lanes that start, run long and end: uses of recent and old rows.
            src += &format!("v{i} = v{}*x + cos(v{})\n", i - 1, i / 3);
        }
        src += "f = v3999 + v1000 at x = 0.5";
        let m = model(&src);
        let (t, l) = (m.trace(), &m.derived.lanes);
        assert!(t.len() > 3 * CHECKPOINT_EVERY, "{} rows", t.len());
        assert!(l.width > 2, "{l:?}");
        let mut occ = vec![NO_USE; l.width as usize];
        for y in 0..t.len() {
            if y % 97 == 0 || y % CHECKPOINT_EVERY == 0 {
                let (start, mut from) = l.state_before(y);
                assert!(start <= y && y - start < l.every);
                for r in start..y {
                    l.advance(t, &mut from, r);
                }
                assert_eq!(from, occ, "row {y}");
            }
            l.advance(t, &mut occ, y);
        }
    }

    #[test]
    fn a_view_opens_at_its_step_with_its_settings() {
        use crate::app::session::{Output, Session};
        let mut s = Session::default();
        s.handle_line("sin(x) at x = 1");
        s.handle_line(":step 3");
        s.handle_line(":title \"t\"");
        let out = s.handle_line(":set notation griewank");
        let Some(Output::View(v)) = out.into_iter().next() else {
            panic!("a view")
        };
        let m = Model::from_view(&v);
        assert_eq!(m.step_index(), 2);
        assert_eq!(m.title.as_deref(), Some("t"));
        assert_eq!(m.options().style.notation, Notation::Griewank);
        assert!(!m.options().lanes);
    }

    #[test]
    fn set_step_clamps() {
        let mut m = model("sin(x) at x = 1");
        m.set_step(999);
        assert_eq!(m.step_index(), m.step_count() - 1);
        assert_eq!(m.step_count(), 4);
    }

    #[test]
    fn seed_cycles_and_keeps_the_step() {
        let mut m = model("f(x, y) = x*y at x = 2, y = 3");
        m.set_step(2);
        m.cycle_seed();
        assert_eq!(m.seed(), [0.0, 1.0]);
        assert_eq!(m.step_index(), 2);
        assert_eq!(m.sweep().output_tangent(), 2.0);
        m.cycle_seed();
        assert_eq!(m.seed(), [1.0, 0.0]);
        assert_eq!(m.sweep().output_tangent(), 3.0);
    }

    #[test]
    fn cse_toggle_retraces_and_clamps() {
        let mut m = model("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1");
        assert_eq!(m.trace().len(), 7);
        m.set_step(13);
        m.toggle_cse();
        assert!(m.trace().len() > 7);
        assert_eq!(m.step_index(), 13);
        assert!(m.options().no_cse);
        m.set_step(m.step_count() - 1);
        m.toggle_cse();
        assert_eq!(m.step_index(), 13);
        assert_eq!(m.trace().len(), 7);
    }
}
