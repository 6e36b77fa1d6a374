"""The decision table as clinical cases, one a row: the facts and every code they must produce.

A conservative case lists the codes beyond the six every conservative plan holds, so each row
still pins the complete set of codes.
"""

from typing import NamedTuple

from triage.guideline import IntakeFacts, VisitFacts

BASE_INTAKE = {"age": 40, "days_since_onset": 5, "pain_score": 5}
BASE_VISIT = {"day": 14, "pain_score": 5, "global_change": 0}
ALWAYS = frozenset(
    {
        "NO_ROUTINE_IMAGING",
        "EXERCISE_THERAPY",
        "POSTURE_ERGONOMICS",
        "AVOID_BED_REST",
        "AVOID_SYSTEMIC_CORTICOSTEROIDS",
        "EXPECTED_COURSE",
    }
)


class IntakeCase(NamedTuple):
    name: str
    facts: dict
    pathway: str
    codes: frozenset

    def build(self) -> IntakeFacts:
        return IntakeFacts(**{**BASE_INTAKE, **self.facts})


class FollowUpCase(NamedTuple):
    name: str
    intake: dict
    visit: dict
    status: str
    codes: frozenset

    def build(self) -> tuple[IntakeFacts, VisitFacts]:
        return (
            IntakeFacts(**{**BASE_INTAKE, **self.intake}),
            VisitFacts(**{**BASE_VISIT, **self.visit}),
        )


def conservative(name: str, extra: str, **facts) -> IntakeCase:
    return IntakeCase(name, facts, "conservative", ALWAYS | frozenset(extra.split()))


def urgent(name: str, codes: str, **facts) -> IntakeCase:
    return IntakeCase(name, facts, "urgent", frozenset(codes.split()))


def visit(name: str, status: str, codes: str, intake: dict | None = None, **facts) -> FollowUpCase:
    return FollowUpCase(name, intake or {}, facts, status, frozenset(codes.split()))


URGENT = "URGENT_EVALUATION"
URGENT_INFECTION = "URGENT_EVALUATION INFECTION_WORKUP"
OLD = {"age": 66}
SPASM = {"muscle_spasm": True, "pain_score": 7}
NERVE = {"neuropathic_features": True}
NO_NSAID = {"gi_bleed_or_ulcer": True}
USUAL = "SPINAL_MANIPULATION NSAID"
WITHHELD = "SPINAL_MANIPULATION NSAID_WITHHELD"
CAUTION = "SPINAL_MANIPULATION NSAID NSAID_CAUTION"
SPASM_PLAN = "SPINAL_MANIPULATION NSAID MUSCLE_RELAXANT"

INTAKE_CASES = (
    # 3.1 Urgent pathway: each red flag alone, and nothing else ever joins it.
    urgent("progressive neuro deficit", URGENT, progressive_neuro_deficit=True),
    urgent("fever adds the infection work-up", URGENT_INFECTION, fever=True),
    urgent("bloodstream infection adds work-up", URGENT_INFECTION,
           recent_bloodstream_infection=True),
    urgent("fever and bloodstream infection", URGENT_INFECTION, fever=True,
           recent_bloodstream_infection=True),
    urgent("history of cancer", URGENT, malignancy_history=True),
    urgent("iv drug use", URGENT, iv_drug_use=True),
    urgent("immunosuppression", URGENT, immunosuppression=True),
    urgent("unexplained weight loss", URGENT, unexplained_weight_loss=True),
    urgent("significant trauma", URGENT, significant_trauma=True),
    urgent("osteoporosis at 66", URGENT, osteoporosis=True, **OLD),
    urgent("chronic steroids at 66", URGENT, chronic_steroid_use=True, **OLD),
    urgent("bowel or bladder dysfunction", URGENT, bowel_bladder_dysfunction=True),
    urgent("myelopathy signs", URGENT, myelopathy_signs=True),
    urgent("cervical arterial signs", URGENT, cervical_arterial_signs=True),
    urgent("red flag withholds the whole conservative plan", URGENT, malignancy_history=True,
           **SPASM, **NERVE, days_since_onset=200, gi_bleed_or_ulcer=True, muscle_relaxant_days=30,
           declines_neck_manipulation=True),
    # 2. Osteoporosis and long-term steroids are red flags only over 65.
    conservative("osteoporosis at 65 is no red flag", CAUTION, osteoporosis=True, age=65),
    conservative("steroids at 65 is no red flag", CAUTION, chronic_steroid_use=True, age=65),
    conservative("osteoporosis at 16", USUAL, osteoporosis=True, age=16),
    # 3.2 Always, and the manipulation choice.
    conservative("no red flags: the usual plan", USUAL),
    conservative("declines neck manipulation", "THORACIC_MANIPULATION NSAID",
                 declines_neck_manipulation=True),
    conservative("oldest adult", CAUTION, age=120),
    # NSAID withheld, one reason at a time, and the pregnancy boundary.
    conservative("gi bleed withholds NSAID", WITHHELD, gi_bleed_or_ulcer=True),
    conservative("severe kidney disease withholds NSAID", WITHHELD, severe_kidney_disease=True),
    conservative("heart failure withholds NSAID", WITHHELD, heart_failure=True),
    conservative("NSAID allergy withholds NSAID", WITHHELD, nsaid_allergy_or_asthma=True),
    conservative("anticoagulant withholds NSAID", WITHHELD, takes_anticoagulant=True),
    conservative("pregnancy 20 weeks withholds NSAID", WITHHELD, pregnancy_weeks=20),
    conservative("pregnancy 42 weeks withholds NSAID", WITHHELD, pregnancy_weeks=42),
    conservative("withheld wins over caution", WITHHELD, gi_bleed_or_ulcer=True, age=70,
                 cardiovascular_disease=True),
    # NSAID caution: older adult 64/65, heart disease, liver, early pregnancy.
    conservative("pregnancy 19 weeks: NSAID with caution", CAUTION, pregnancy_weeks=19),
    conservative("pregnancy 1 week: NSAID with caution", CAUTION, pregnancy_weeks=1),
    conservative("age 65 is an older adult", CAUTION, age=65),
    conservative("age 64 is not an older adult", USUAL, age=64),
    conservative("cardiovascular disease", CAUTION, cardiovascular_disease=True),
    conservative("liver disease", CAUTION, liver_disease=True),
    # Muscle relaxant: spasm and severe pain (6/7), at most 14 days taken (14/15).
    conservative("spasm and pain 7: relaxant", SPASM_PLAN, **SPASM),
    conservative("spasm and pain 10: relaxant", SPASM_PLAN, muscle_spasm=True, pain_score=10),
    conservative("spasm and pain 6: no relaxant", USUAL, muscle_spasm=True, pain_score=6),
    conservative("pain 10 without spasm: no relaxant", USUAL, pain_score=10),
    conservative("relaxant 14 days still offered", SPASM_PLAN, muscle_relaxant_days=14, **SPASM),
    conservative("relaxant 0 days still offered", SPASM_PLAN, muscle_relaxant_days=0, **SPASM),
    conservative("relaxant for 15 days: stop", f"{USUAL} MUSCLE_RELAXANT_STOP",
                 muscle_relaxant_days=15, **SPASM),
    conservative("relaxant stop without spasm", f"{USUAL} MUSCLE_RELAXANT_STOP",
                 muscle_relaxant_days=15, pain_score=2),
    conservative("relaxant 14 days without spasm: nothing", USUAL, muscle_relaxant_days=14),
    conservative("stop wins over withheld", f"{WITHHELD} MUSCLE_RELAXANT_STOP",
                 muscle_relaxant_days=40, heart_failure=True, **SPASM),
    # Muscle relaxant withheld, one reason at a time; older adult at the 64/65 boundary.
    conservative("MAOI withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD", takes_maoi=True,
                 **SPASM),
    conservative("hyperthyroidism withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD",
                 hyperthyroidism=True, **SPASM),
    conservative("arrhythmia withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD",
                 arrhythmia_or_heart_block=True, **SPASM),
    conservative("recent MI withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD",
                 recent_myocardial_infarction=True, **SPASM),
    conservative("heart failure withholds relaxant, NSAID", f"{WITHHELD} MUSCLE_RELAXANT_WITHHELD",
                 heart_failure=True, **SPASM),
    conservative("liver disease withholds relaxant", f"{CAUTION} MUSCLE_RELAXANT_WITHHELD",
                 liver_disease=True, **SPASM),
    conservative("age 65 withholds relaxant (Beers)", f"{CAUTION} MUSCLE_RELAXANT_WITHHELD",
                 **SPASM, age=65),
    conservative("age 64 is offered the relaxant", SPASM_PLAN, **SPASM, age=64),
    conservative("serotonergic: relaxant with caution", f"{SPASM_PLAN} MUSCLE_RELAXANT_CAUTION",
                 takes_serotonergic_drug=True, **SPASM),
    conservative("serotonergic drug, relaxant withheld: no caution",
                 f"{USUAL} MUSCLE_RELAXANT_WITHHELD", takes_serotonergic_drug=True, takes_maoi=True,
                 **SPASM),
    conservative("serotonergic drug without spasm: nothing", USUAL, takes_serotonergic_drug=True),
    # Duloxetine, only when neuropathic.
    conservative("neuropathic: duloxetine, bleeding caution with NSAID",
                 f"{USUAL} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", **NERVE),
    conservative("neuropathic, NSAID withheld: duloxetine alone",
                 f"{WITHHELD} DULOXETINE_SECOND_LINE", **NERVE, **NO_NSAID),
    conservative("MAOI withholds duloxetine", f"{USUAL} DULOXETINE_WITHHELD", **NERVE,
                 takes_maoi=True),
    conservative("liver disease withholds duloxetine", f"{CAUTION} DULOXETINE_WITHHELD", **NERVE,
                 liver_disease=True),
    conservative("kidney disease withholds duloxetine", f"{WITHHELD} DULOXETINE_WITHHELD", **NERVE,
                 severe_kidney_disease=True),
    conservative("glaucoma withholds duloxetine", f"{USUAL} DULOXETINE_WITHHELD", **NERVE,
                 narrow_angle_glaucoma=True),
    conservative("serotonergic drug: duloxetine caution",
                 f"{WITHHELD} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", **NERVE, **NO_NSAID,
                 takes_serotonergic_drug=True),
    conservative("relaxant given: duloxetine caution",
                 f"{WITHHELD} MUSCLE_RELAXANT DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", **NERVE,
                 **NO_NSAID, **SPASM),
    conservative("anticoagulant: duloxetine caution",
                 f"{WITHHELD} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", **NERVE,
                 takes_anticoagulant=True),
    conservative("duloxetine withheld: no caution", f"{WITHHELD} DULOXETINE_WITHHELD", **NERVE,
                 takes_anticoagulant=True, takes_serotonergic_drug=True, takes_maoi=True),
    conservative("every drug and every caution",
                 f"{CAUTION} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION DULOXETINE_SECOND_LINE "
                 "DULOXETINE_CAUTION", **NERVE, **SPASM, takes_serotonergic_drug=True,
                 cardiovascular_disease=True, encounter_date=None),
    # Chronic axial pain: day 83/84, never with neuropathic features.
    conservative("chronic at 84 days", f"{USUAL} AVOID_INTERVENTIONAL_PROCEDURES",
                 days_since_onset=84),
    conservative("not chronic at 83 days", USUAL, days_since_onset=83),
    conservative("chronic but neuropathic", f"{USUAL} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION",
                 days_since_onset=400, **NERVE),
)  # fmt: skip

NOT_BETTER = {"pain_score": 5}  # baseline 5, now 5
BETTER = {"pain_score": 3}  # baseline 5, now 3: 2 points and 40 %
STOP = "MUSCLE_RELAXANT_STOP"
LATE = "REASSESS"
PERSIST = "PERSISTENT_COURSE"
NERVY = {"neuropathic_features": True}

FOLLOW_UP_CASES = (
    # Escalated: any red flag, and nothing else.
    visit("fever at a visit", "escalated", URGENT_INFECTION, fever=True),
    visit("bloodstream infection at a visit", "escalated", URGENT_INFECTION,
          recent_bloodstream_infection=True),
    visit("new weakness at a visit", "escalated", URGENT, progressive_neuro_deficit=True),
    visit("myelopathy signs at a visit", "escalated", URGENT, myelopathy_signs=True),
    visit("red flag overrides everything", "escalated", URGENT, intake=NERVY, day=90,
          muscle_relaxant_days=40, malignancy_history=True, pain_score=9),
    visit("red flag beats resolved pain", "escalated", URGENT, significant_trauma=True,
          pain_score=0),
    visit("osteoporosis, intake age 66", "escalated", URGENT, intake=OLD, osteoporosis=True),
    visit("steroids, intake age 66", "escalated", URGENT, intake=OLD, chronic_steroid_use=True),
    visit("osteoporosis, intake age 65: no flag", "not_improving", "", intake={"age": 65},
          osteoporosis=True, chronic_steroid_use=True),
    # Muscle relaxant 14/15 days at a visit.
    visit("relaxant 15 days: stop", "not_improving", STOP, muscle_relaxant_days=15),
    visit("relaxant 14 days: nothing", "not_improving", "", muscle_relaxant_days=14),
    visit("relaxant stop even when resolved", "resolved", STOP, muscle_relaxant_days=21,
          pain_score=0),
    # Resolved: pain 1/2.
    visit("pain 1 resolves", "resolved", "", pain_score=1),
    visit("pain 0 resolves", "resolved", "", pain_score=0),
    visit("pain 2 from 5 is improving, not resolved", "improving", "", pain_score=2),
    visit("resolved at day 60: not persistent", "resolved", "", day=60, pain_score=1),
    visit("resolved when chronic: no interventional", "resolved", "",
          intake={"days_since_onset": 80}, day=60, pain_score=1),
    visit("resolved from baseline 2 (not 'improving')", "resolved", "", intake={"pain_score": 2},
          day=50, pain_score=1),
    # Improving: at least 2 points and at least 30 % of the baseline.
    visit("10 to 7: 3 points, 30 %", "improving", "", intake={"pain_score": 10}, pain_score=7),
    visit("10 to 8: 2 points, 20 %", "not_improving", "", intake={"pain_score": 10}, pain_score=8),
    visit("7 to 5: 2 points, 28.6 %", "not_improving", "", intake={"pain_score": 7}, pain_score=5),
    visit("7 to 4: 3 points, 43 %", "improving", "", intake={"pain_score": 7}, pain_score=4),
    visit("6 to 4: 2 points, 33 %", "improving", "", intake={"pain_score": 6}, pain_score=4),
    visit("5 to 4: 1 point", "not_improving", "", pain_score=4),
    visit("worse than baseline", "not_improving", "", intake={"pain_score": 3}, pain_score=9),
    # REASSESS from day 42 when not improving (41/42); persistent from day 56 (55/56).
    visit("day 41 not improving: no reassess", "not_improving", "", day=41, **NOT_BETTER),
    visit("day 42 not improving: reassess", "not_improving", LATE, day=42, **NOT_BETTER),
    visit("day 42 improving: nothing", "improving", "", day=42, **BETTER),
    visit("day 55 not improving", "not_improving", LATE, day=55, **NOT_BETTER),
    visit("day 55 improving", "improving", "", day=55, **BETTER),
    visit("day 56 not improving: persistent", "persistent", f"{PERSIST} {LATE}", day=56,
          **NOT_BETTER),
    visit("day 56 improving: persistent, no reassess", "persistent", PERSIST, day=56, **BETTER),
    visit("day 200 persistent with relaxant stop", "persistent",
          f"{PERSIST} {LATE} {STOP} AVOID_INTERVENTIONAL_PROCEDURES",
          day=200, muscle_relaxant_days=200),
    # Duloxetine re-evaluated at REASSESS when neuropathic, with the intake's rules.
    visit("neuropathic at reassess: duloxetine, NSAID bleeding caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", intake=NERVY, day=42),
    visit("neuropathic, NSAID withheld at intake: no caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE", intake={**NERVY, **NO_NSAID}, day=42),
    visit("neuropathic, still on a relaxant: serotonin caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION", intake={**NERVY, **NO_NSAID},
          day=42, muscle_relaxant_days=3),
    visit("neuropathic, serotonergic drug: caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION",
          intake={**NERVY, **NO_NSAID, "takes_serotonergic_drug": True}, day=42),
    visit("neuropathic, anticoagulant: caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE DULOXETINE_CAUTION",
          intake={**NERVY, "takes_anticoagulant": True}, day=42),
    visit("neuropathic, MAOI: duloxetine withheld", "not_improving", f"{LATE} DULOXETINE_WITHHELD",
          intake={**NERVY, "takes_maoi": True}, day=42),
    visit("neuropathic, glaucoma: duloxetine withheld", "persistent",
          f"{PERSIST} {LATE} DULOXETINE_WITHHELD", intake={**NERVY, "narrow_angle_glaucoma": True},
          day=70),
    visit("neuropathic at day 41: no duloxetine yet", "not_improving", "", intake=NERVY, day=41),
    visit("neuropathic and improving: no duloxetine", "improving", "", intake=NERVY, day=42,
          **BETTER),
    # Chronic by now: intake days_since_onset + day >= 84 (83/84), not resolved, not neuropathic.
    visit("chronic by now at 84", "improving", "AVOID_INTERVENTIONAL_PROCEDURES",
          intake={"days_since_onset": 70}, day=14, **BETTER),
    visit("not chronic at 83", "improving", "", intake={"days_since_onset": 69}, day=14, **BETTER),
    visit("chronic and neuropathic: no interventional advice", "improving", "",
          intake={**NERVY, "days_since_onset": 100}, **BETTER),
    visit("chronic, persistent, not improving", "persistent",
          f"{PERSIST} {LATE} AVOID_INTERVENTIONAL_PROCEDURES", intake={"days_since_onset": 30},
          day=60),
)  # fmt: skip
