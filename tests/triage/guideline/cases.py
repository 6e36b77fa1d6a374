"""The decision table (rule set 2) as clinical cases, one a row: the facts and every code they
must produce.

A conservative case lists the codes beyond the seven every conservative plan holds, so each row
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
        "SUPERFICIAL_HEAT",
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


def emergency(name: str, codes: str, **facts) -> IntakeCase:
    return IntakeCase(name, facts, "emergency", frozenset(codes.split()))


def visit(name: str, status: str, codes: str, intake: dict | None = None, **facts) -> FollowUpCase:
    return FollowUpCase(name, intake or {}, facts, status, frozenset(codes.split()))


EMERGENCY = "EMERGENCY_REFERRAL"
EMERGENCY_INFECTION = "EMERGENCY_REFERRAL INFECTION_WORKUP"
URGENT = "URGENT_EVALUATION"
URGENT_INFECTION = "URGENT_EVALUATION INFECTION_WORKUP"
OLD = {"age": 66}
SPASM = {"muscle_spasm": True, "pain_score": 7}
NERVE = {"neuropathic_features": True}
MYELO = {"myelopathy_signs": True}
# Withholds the NSAID without being a duloxetine bleeding reason.
NO_NSAID = {"nsaid_allergy_or_asthma": True}
USUAL = "SPINAL_MANIPULATION NSAID"
WITHHELD = "SPINAL_MANIPULATION NSAID_WITHHELD"
CAUTION = "SPINAL_MANIPULATION NSAID NSAID_CAUTION"
GI_CAUTION = f"{CAUTION} NSAID_GASTROPROTECTION"
NO_THRUST = "MANIPULATION_WITHHELD NSAID"
NO_THRUST_OR_NSAID = "MANIPULATION_WITHHELD NSAID_WITHHELD"
SPASM_PLAN = f"{USUAL} MUSCLE_RELAXANT"
CONTINUE = f"{USUAL} MUSCLE_RELAXANT_CONTINUE"
STOP_PLAN = f"{USUAL} MUSCLE_RELAXANT_STOP"
DLX = "DULOXETINE_SECOND_LINE DULOXETINE_CAUTION"


def taking(name: str | None, days: int = 3, **facts) -> dict:
    return {"muscle_relaxant_name": name, "muscle_relaxant_days": days, **facts}


def long_term(name: str, days: int = 400, **facts) -> dict:
    return taking(name, days, muscle_relaxant_other_condition=True, **facts)


INTAKE_CASES = (
    # 3.1 Emergency: each emergency-tier flag, recent trauma, and the two combinations.
    emergency("progressive neuro deficit", EMERGENCY, progressive_neuro_deficit=True),
    emergency("bowel or bladder dysfunction", EMERGENCY, bowel_bladder_dysfunction=True),
    emergency("cervical arterial signs", EMERGENCY, cervical_arterial_signs=True),
    emergency("trauma on day 0", EMERGENCY, significant_trauma=True, days_since_onset=0),
    emergency("trauma on day 7", EMERGENCY, significant_trauma=True, days_since_onset=7),
    urgent("trauma on day 8 is urgent", URGENT, significant_trauma=True, days_since_onset=8),
    emergency("cancer with nerve symptoms", EMERGENCY, malignancy_history=True, **NERVE),
    emergency("cancer with myelopathy signs", EMERGENCY, malignancy_history=True, **MYELO),
    emergency("fever with nerve symptoms", EMERGENCY_INFECTION, fever=True, **NERVE),
    emergency("fever with myelopathy signs", EMERGENCY_INFECTION, fever=True, **MYELO),
    emergency("blood infection with nerve symptoms", EMERGENCY_INFECTION,
              recent_bloodstream_infection=True, **NERVE),
    emergency("iv drug use with nerve symptoms", EMERGENCY, iv_drug_use=True, **NERVE),
    emergency("iv drug use with myelopathy signs", EMERGENCY, iv_drug_use=True, **MYELO),
    emergency("immunosuppression with nerve symptoms", EMERGENCY, immunosuppression=True,
              **NERVE),
    emergency("emergency withholds the whole conservative plan", EMERGENCY,
              progressive_neuro_deficit=True, **SPASM, **NERVE, days_since_onset=200,
              gi_bleed_or_ulcer=True, muscle_relaxant_days=30, declines_neck_manipulation=True),
    # 3.2 Urgent: each urgent flag alone, and nothing else ever joins it.
    urgent("myelopathy signs alone", URGENT, **MYELO),
    urgent("fever adds the infection work-up", URGENT_INFECTION, fever=True),
    urgent("blood infection adds the work-up", URGENT_INFECTION,
           recent_bloodstream_infection=True),
    urgent("fever and blood infection", URGENT_INFECTION, fever=True,
           recent_bloodstream_infection=True),
    urgent("history of cancer alone", URGENT, malignancy_history=True),
    urgent("iv drug use alone", URGENT, iv_drug_use=True),
    urgent("immunosuppression alone", URGENT, immunosuppression=True),
    urgent("unexplained weight loss", URGENT, unexplained_weight_loss=True),
    urgent("night pain", URGENT, night_pain=True),
    urgent("osteoporosis at 66", URGENT, osteoporosis=True, **OLD),
    urgent("chronic steroids at 66", URGENT, chronic_steroid_use=True, **OLD),
    urgent("weight loss with nerve symptoms stays urgent", URGENT, unexplained_weight_loss=True,
           **NERVE),
    urgent("night pain with myelopathy stays urgent", URGENT, night_pain=True, **MYELO),
    urgent("urgent flag withholds the whole conservative plan", URGENT, night_pain=True, **SPASM,
           days_since_onset=200, gi_bleed_or_ulcer=True, muscle_relaxant_days=30,
           declines_neck_manipulation=True),
    # 2. Osteoporosis and long-term steroids are red flags only over 65; they still withhold
    # thrust manipulation at any age.
    conservative("osteoporosis at 65 is no red flag", f"{NO_THRUST} NSAID_CAUTION "
                 "NSAID_GASTROPROTECTION", osteoporosis=True, age=65),
    conservative("steroids at 65 is no red flag", f"{NO_THRUST} NSAID_CAUTION "
                 "NSAID_GASTROPROTECTION", chronic_steroid_use=True, age=65),
    conservative("osteoporosis at 16", NO_THRUST, osteoporosis=True, age=16),
    # Section 4: cleared red flags no longer count; clearing changes only red-flag status.
    conservative("cleared cancer: conservative", USUAL, malignancy_history=True,
                 cleared_red_flags=["malignancy_history"]),
    conservative("cleared cancer with nerve symptoms", f"{USUAL} {DLX}", malignancy_history=True,
                 cleared_red_flags=("malignancy_history",), **NERVE),
    conservative("cleared osteoporosis at 66 still withholds thrust",
                 f"{NO_THRUST} NSAID_CAUTION NSAID_GASTROPROTECTION", osteoporosis=True,
                 cleared_red_flags=["osteoporosis"], **OLD),
    conservative("cleared steroids at 66 are still an NSAID risk",
                 f"{NO_THRUST} NSAID_CAUTION NSAID_GASTROPROTECTION", chronic_steroid_use=True,
                 cleared_red_flags=["chronic_steroid_use"], **OLD),
    conservative("clearing a flag not answered changes nothing", USUAL,
                 cleared_red_flags=["fever", "night_pain"]),
    urgent("cleared myelopathy: cancer alone is urgent", URGENT, malignancy_history=True,
           cleared_red_flags=["myelopathy_signs"], **MYELO),
    urgent("a flag not cleared still counts", URGENT, malignancy_history=True, night_pain=True,
           cleared_red_flags=["malignancy_history"]),
    emergency("cleared fever: the deficit still counts", EMERGENCY, fever=True,
              progressive_neuro_deficit=True, cleared_red_flags=["fever"]),
    # 3.3 Always, and the manipulation choice.
    conservative("no red flags: the usual plan", USUAL),
    conservative("nerve symptoms alone are no red flag", f"{USUAL} {DLX}", **NERVE),
    conservative("declines neck manipulation", "THORACIC_MANIPULATION NSAID",
                 declines_neck_manipulation=True),
    conservative("oldest adult", GI_CAUTION, age=120),
    conservative("inflammatory arthritis withholds thrust", NO_THRUST, inflammatory_arthritis=True),
    conservative("neck surgery withholds thrust", NO_THRUST, previous_neck_surgery=True),
    conservative("osteoporosis at 40 withholds thrust", NO_THRUST, osteoporosis=True),
    conservative("anticoagulant withholds thrust and NSAID", NO_THRUST_OR_NSAID,
                 takes_anticoagulant=True),
    conservative("bleeding disorder withholds thrust and NSAID", NO_THRUST_OR_NSAID,
                 bleeding_disorder=True),
    conservative("long-term steroids at 40 withhold thrust",
                 f"{NO_THRUST} NSAID_CAUTION NSAID_GASTROPROTECTION", chronic_steroid_use=True),
    conservative("withheld thrust wins over declining", NO_THRUST, inflammatory_arthritis=True,
                 declines_neck_manipulation=True),
    # NSAID withheld, one reason at a time, and the pregnancy boundary.
    conservative("gi bleed withholds NSAID", WITHHELD, gi_bleed_or_ulcer=True),
    conservative("severe kidney disease withholds NSAID", WITHHELD, severe_kidney_disease=True),
    conservative("heart failure withholds NSAID", WITHHELD, heart_failure=True),
    conservative("recent heart attack withholds NSAID", WITHHELD,
                 recent_myocardial_infarction=True),
    conservative("NSAID allergy withholds NSAID", WITHHELD, nsaid_allergy_or_asthma=True),
    conservative("pregnancy 20 weeks withholds NSAID", WITHHELD, pregnancy_weeks=20),
    conservative("pregnancy 42 weeks withholds NSAID", WITHHELD, pregnancy_weeks=42),
    conservative("withheld wins over caution and stomach protection", WITHHELD,
                 gi_bleed_or_ulcer=True, age=70, cardiovascular_disease=True,
                 takes_serotonergic_drug=True),
    # NSAID caution and stomach protection: one reason at a time; 64/65.
    conservative("pregnancy 19 weeks: caution, no stomach protection", CAUTION, pregnancy_weeks=19),
    conservative("pregnancy 1 week: caution", CAUTION, pregnancy_weeks=1),
    conservative("age 65 is an older adult", GI_CAUTION, age=65),
    conservative("age 64 is not an older adult", USUAL, age=64),
    conservative("cardiovascular disease", GI_CAUTION, cardiovascular_disease=True),
    conservative("liver disease", GI_CAUTION, liver_disease=True),
    conservative("SSRI", GI_CAUTION, takes_serotonergic_drug=True),
    conservative("antiplatelet", GI_CAUTION, takes_antiplatelet=True),
    conservative("heavy drinking", GI_CAUTION, heavy_alcohol_use=True),
    conservative("uncontrolled blood pressure alone changes no NSAID card", USUAL,
                 uncontrolled_hypertension=True),
    conservative("sedating medicine alone", USUAL, takes_sedating_medicine=True),
    conservative("breastfeeding alone", USUAL, breastfeeding=True),
    conservative("fluvoxamine or ciprofloxacin alone", USUAL, takes_cyp1a2_inhibitor=True),
    # Muscle relaxant started: spasm and severe pain (6/7).
    conservative("spasm and pain 7: relaxant", SPASM_PLAN, **SPASM),
    conservative("spasm and pain 10: relaxant", SPASM_PLAN, muscle_spasm=True, pain_score=10),
    conservative("spasm and pain 6: no relaxant", USUAL, muscle_spasm=True, pain_score=6),
    conservative("pain 10 without spasm: no relaxant", USUAL, pain_score=10),
    # A relaxant already taken for this pain: 13/14 days, at any pain.
    conservative("taken 0 days: continue", CONTINUE, muscle_relaxant_days=0, **SPASM),
    conservative("taken 13 days: continue", CONTINUE, muscle_relaxant_days=13),
    conservative("taken 14 days: course complete, stop", STOP_PLAN, muscle_relaxant_days=14),
    conservative("taken 15 days: stop", STOP_PLAN, muscle_relaxant_days=15, **SPASM),
    conservative("taken 14 days with spasm: stop, never a second", STOP_PLAN,
                 muscle_relaxant_days=14, **SPASM),
    conservative("taking one: no second relaxant started", CONTINUE, **taking("tizanidine"),
                 **SPASM),
    # Reasons not to take it, per drug (a relaxant being taken is stopped at any pain).
    conservative("cyclobenzaprine and MAOI: stop", STOP_PLAN,
                 **taking("cyclobenzaprine", takes_maoi=True)),
    conservative("cyclobenzaprine and hyperthyroidism: stop", STOP_PLAN,
                 **taking("cyclobenzaprine", hyperthyroidism=True)),
    conservative("cyclobenzaprine and arrhythmia: stop", STOP_PLAN,
                 **taking("cyclobenzaprine", arrhythmia_or_heart_block=True)),
    conservative("cyclobenzaprine and recent heart attack: stop",
                 f"{WITHHELD} MUSCLE_RELAXANT_STOP",
                 **taking("cyclobenzaprine", recent_myocardial_infarction=True)),
    conservative("cyclobenzaprine and heart failure: stop", f"{WITHHELD} MUSCLE_RELAXANT_STOP",
                 **taking("cyclobenzaprine", heart_failure=True)),
    conservative("cyclobenzaprine and liver disease: stop", f"{GI_CAUTION} MUSCLE_RELAXANT_STOP",
                 **taking("cyclobenzaprine", liver_disease=True)),
    conservative("cyclobenzaprine at 65: stop (Beers)", f"{GI_CAUTION} MUSCLE_RELAXANT_STOP",
                 **taking("cyclobenzaprine", age=65)),
    conservative("cyclobenzaprine at 64: continue", CONTINUE, **taking("cyclobenzaprine", age=64)),
    conservative("methocarbamol at 65: stop (Beers)", f"{GI_CAUTION} MUSCLE_RELAXANT_STOP",
                 **taking("methocarbamol", age=65)),
    conservative("methocarbamol and MAOI: continue", f"{CONTINUE}",
                 **taking("methocarbamol", takes_maoi=True)),
    conservative("methocarbamol and liver disease: continue",
                 f"{GI_CAUTION} MUSCLE_RELAXANT_CONTINUE", **taking("methocarbamol",
                                                                     liver_disease=True)),
    conservative("tizanidine and liver disease: stop", f"{GI_CAUTION} MUSCLE_RELAXANT_STOP",
                 **taking("tizanidine", liver_disease=True)),
    conservative("tizanidine and ciprofloxacin: stop", STOP_PLAN,
                 **taking("tizanidine", takes_cyp1a2_inhibitor=True)),
    conservative("tizanidine at 70: continue", f"{GI_CAUTION} MUSCLE_RELAXANT_CONTINUE",
                 **taking("tizanidine", age=70)),
    conservative("tizanidine and MAOI: continue", CONTINUE, **taking("tizanidine",
                                                                     takes_maoi=True)),
    conservative("baclofen and kidney disease: stop", f"{WITHHELD} MUSCLE_RELAXANT_STOP",
                 **taking("baclofen", severe_kidney_disease=True)),
    conservative("baclofen at 70: continue", f"{GI_CAUTION} MUSCLE_RELAXANT_CONTINUE",
                 **taking("baclofen", age=70)),
    conservative("baclofen and liver disease: continue", f"{GI_CAUTION} MUSCLE_RELAXANT_CONTINUE",
                 **taking("baclofen", liver_disease=True)),
    conservative("other relaxant and MAOI: stop", STOP_PLAN, **taking("other", takes_maoi=True)),
    conservative("unnamed relaxant and MAOI: stop", STOP_PLAN, **taking(None, takes_maoi=True)),
    conservative("unnamed relaxant at 65: stop", f"{GI_CAUTION} MUSCLE_RELAXANT_STOP",
                 **taking(None, age=65)),
    # A relaxant taken long term for another condition is reviewed, never stopped.
    conservative("long-term baclofen: review", f"{USUAL} MUSCLE_RELAXANT_REVIEW",
                 **long_term("baclofen")),
    conservative("long-term baclofen and kidney disease: review, not stop",
                 f"{WITHHELD} MUSCLE_RELAXANT_REVIEW",
                 **long_term("baclofen", severe_kidney_disease=True)),
    conservative("long-term tizanidine and liver disease: review",
                 f"{GI_CAUTION} MUSCLE_RELAXANT_REVIEW", **long_term("tizanidine",
                                                                      liver_disease=True)),
    conservative("long-term relaxant for 2 days: review", f"{USUAL} MUSCLE_RELAXANT_REVIEW",
                 **long_term("tizanidine", days=2)),
    conservative("long-term relaxant with spasm: no second, no caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT_REVIEW", **long_term("baclofen",
                                                                      takes_serotonergic_drug=True),
                 **SPASM),
    # Not taking one: cyclobenzaprine withheld, one reason at a time; 64/65.
    conservative("MAOI withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD", takes_maoi=True,
                 **SPASM),
    conservative("hyperthyroidism withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD",
                 hyperthyroidism=True, **SPASM),
    conservative("arrhythmia withholds relaxant", f"{USUAL} MUSCLE_RELAXANT_WITHHELD",
                 arrhythmia_or_heart_block=True, **SPASM),
    conservative("recent MI withholds relaxant and NSAID", f"{WITHHELD} MUSCLE_RELAXANT_WITHHELD",
                 recent_myocardial_infarction=True, **SPASM),
    conservative("heart failure withholds relaxant, NSAID", f"{WITHHELD} MUSCLE_RELAXANT_WITHHELD",
                 heart_failure=True, **SPASM),
    conservative("liver disease withholds relaxant", f"{GI_CAUTION} MUSCLE_RELAXANT_WITHHELD",
                 liver_disease=True, **SPASM),
    conservative("age 65 withholds relaxant (Beers)", f"{GI_CAUTION} MUSCLE_RELAXANT_WITHHELD",
                 **SPASM, age=65),
    conservative("age 64 is offered the relaxant", SPASM_PLAN, **SPASM, age=64),
    conservative("ciprofloxacin does not withhold cyclobenzaprine", SPASM_PLAN,
                 takes_cyp1a2_inhibitor=True, **SPASM),
    # Relaxant cautions, one at a time, for a relaxant started or continued.
    conservative("SSRI: relaxant with caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION",
                 takes_serotonergic_drug=True, **SPASM),
    conservative("glaucoma: relaxant with caution", f"{SPASM_PLAN} MUSCLE_RELAXANT_CAUTION",
                 narrow_angle_glaucoma=True, **SPASM),
    conservative("heavy drinking: relaxant with caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION", heavy_alcohol_use=True,
                 **SPASM),
    conservative("sedating medicine: relaxant with caution",
                 f"{SPASM_PLAN} MUSCLE_RELAXANT_CAUTION", takes_sedating_medicine=True, **SPASM),
    conservative("pregnancy 10 weeks: relaxant with caution",
                 f"{CAUTION} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION", pregnancy_weeks=10,
                 **SPASM),
    conservative("pregnancy 30 weeks: relaxant with caution, NSAID withheld",
                 f"{WITHHELD} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION", pregnancy_weeks=30,
                 **SPASM),
    conservative("breastfeeding: relaxant with caution", f"{SPASM_PLAN} MUSCLE_RELAXANT_CAUTION",
                 breastfeeding=True, **SPASM),
    conservative("sedating medicine: continued relaxant with caution",
                 f"{CONTINUE} MUSCLE_RELAXANT_CAUTION",
                 **taking("tizanidine", takes_sedating_medicine=True)),
    conservative("SSRI, relaxant withheld: no relaxant caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT_WITHHELD", takes_serotonergic_drug=True,
                 takes_maoi=True, **SPASM),
    conservative("SSRI, relaxant stopped: no relaxant caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT_STOP", takes_serotonergic_drug=True,
                 muscle_relaxant_days=20),
    conservative("SSRI without spasm: no relaxant card", GI_CAUTION, takes_serotonergic_drug=True),
    # Duloxetine, only when neuropathic.
    conservative("neuropathic: duloxetine, bleeding caution with NSAID", f"{USUAL} {DLX}",
                 **NERVE),
    conservative("neuropathic, NSAID withheld: duloxetine alone",
                 f"{WITHHELD} DULOXETINE_SECOND_LINE", **NERVE, **NO_NSAID),
    conservative("MAOI withholds duloxetine", f"{USUAL} DULOXETINE_WITHHELD", **NERVE,
                 takes_maoi=True),
    conservative("liver disease withholds duloxetine", f"{GI_CAUTION} DULOXETINE_WITHHELD",
                 **NERVE, liver_disease=True),
    conservative("kidney disease withholds duloxetine", f"{WITHHELD} DULOXETINE_WITHHELD",
                 **NERVE, severe_kidney_disease=True),
    conservative("glaucoma withholds duloxetine", f"{USUAL} DULOXETINE_WITHHELD", **NERVE,
                 narrow_angle_glaucoma=True),
    conservative("heavy drinking withholds duloxetine", f"{GI_CAUTION} DULOXETINE_WITHHELD",
                 **NERVE, heavy_alcohol_use=True),
    conservative("uncontrolled blood pressure withholds duloxetine",
                 f"{USUAL} DULOXETINE_WITHHELD", **NERVE, uncontrolled_hypertension=True),
    conservative("fluvoxamine or ciprofloxacin withholds duloxetine",
                 f"{USUAL} DULOXETINE_WITHHELD", **NERVE, takes_cyp1a2_inhibitor=True),
    conservative("duloxetine withheld: no caution", "MANIPULATION_WITHHELD NSAID_WITHHELD "
                 "DULOXETINE_WITHHELD", **NERVE, takes_anticoagulant=True,
                 takes_serotonergic_drug=True, takes_maoi=True),
    # Duloxetine cautions, one at a time (the NSAID withheld so it adds no bleeding reason).
    conservative("SSRI: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID,
                 takes_serotonergic_drug=True),
    conservative("relaxant started: duloxetine caution", f"{WITHHELD} MUSCLE_RELAXANT {DLX}",
                 **NERVE, **NO_NSAID, **SPASM),
    conservative("relaxant continued: duloxetine caution",
                 f"{WITHHELD} MUSCLE_RELAXANT_CONTINUE {DLX}", **NERVE, **NO_NSAID,
                 **taking("cyclobenzaprine")),
    conservative("relaxant stopped: duloxetine caution still",
                 f"{WITHHELD} MUSCLE_RELAXANT_STOP {DLX}", **NERVE, **NO_NSAID,
                 muscle_relaxant_days=20),
    conservative("long-term relaxant: duloxetine caution",
                 f"{WITHHELD} MUSCLE_RELAXANT_REVIEW {DLX}", **NERVE, **NO_NSAID,
                 **long_term("baclofen")),
    conservative("anticoagulant: duloxetine caution", f"{NO_THRUST_OR_NSAID} {DLX}",
                 **NERVE, takes_anticoagulant=True),
    conservative("antiplatelet: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID,
                 takes_antiplatelet=True),
    conservative("past GI bleed: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE,
                 gi_bleed_or_ulcer=True),
    conservative("bleeding disorder: duloxetine caution",
                 f"{NO_THRUST_OR_NSAID} {DLX}", **NERVE, bleeding_disorder=True),
    conservative("age 24: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID, age=24),
    conservative("age 25: no duloxetine caution", f"{WITHHELD} DULOXETINE_SECOND_LINE", **NERVE,
                 **NO_NSAID, age=25),
    conservative("age 65: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID, age=65),
    conservative("age 64: no duloxetine caution", f"{WITHHELD} DULOXETINE_SECOND_LINE", **NERVE,
                 **NO_NSAID, age=64),
    conservative("pregnancy: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID,
                 pregnancy_weeks=8),
    conservative("breastfeeding: duloxetine caution", f"{WITHHELD} {DLX}", **NERVE, **NO_NSAID,
                 breastfeeding=True),
    conservative("every drug and every caution",
                 f"{GI_CAUTION} MUSCLE_RELAXANT MUSCLE_RELAXANT_CAUTION {DLX}", **NERVE, **SPASM,
                 takes_serotonergic_drug=True, cardiovascular_disease=True, encounter_date=None),
    # Chronic axial pain: day 83/84, never with neuropathic features.
    conservative("chronic at 84 days", f"{USUAL} AVOID_INTERVENTIONAL_PROCEDURES",
                 days_since_onset=84),
    conservative("not chronic at 83 days", USUAL, days_since_onset=83),
    conservative("chronic but neuropathic", f"{USUAL} {DLX}", days_since_onset=400, **NERVE),
)  # fmt: skip

NOT_BETTER = {"pain_score": 5}  # baseline 5, now 5
BETTER = {"pain_score": 3}  # baseline 5, now 3: 2 points and 40 %
STOP = "MUSCLE_RELAXANT_STOP"
REVIEW = "MUSCLE_RELAXANT_REVIEW"
LATE = "REASSESS"
PERSIST = "PERSISTENT_COURSE"
NERVY = {"neuropathic_features": True}

FOLLOW_UP_CASES = (
    # Escalated: emergency or urgent, with only the escalation and relaxant cards.
    visit("fever at a visit", "escalated", URGENT_INFECTION, fever=True),
    visit("fever at a visit, nerve symptoms at intake", "escalated", EMERGENCY_INFECTION,
          intake=NERVY, fever=True),
    visit("blood infection at a visit", "escalated", URGENT_INFECTION,
          recent_bloodstream_infection=True),
    visit("new weakness at a visit", "escalated", EMERGENCY, progressive_neuro_deficit=True),
    visit("arterial signs at a visit", "escalated", EMERGENCY, cervical_arterial_signs=True),
    visit("myelopathy signs at a visit", "escalated", URGENT, **MYELO),
    visit("night pain at a visit", "escalated", URGENT, night_pain=True),
    visit("cancer with myelopathy at a visit", "escalated", EMERGENCY, malignancy_history=True,
          **MYELO),
    visit("trauma 7 days since onset at a visit", "escalated", EMERGENCY, day=2,
          significant_trauma=True),
    visit("trauma 8 days since onset at a visit", "escalated", URGENT, day=3,
          significant_trauma=True),
    visit("emergency with relaxant stop only", "escalated", f"{EMERGENCY} {STOP}", intake=NERVY,
          day=90, muscle_relaxant_days=40, malignancy_history=True, pain_score=9),
    visit("escalated at day 60 not improving: nothing more", "escalated", URGENT,
          intake={**NERVY, "days_since_onset": 60}, day=60, night_pain=True),
    visit("escalated, relaxant 13 days: no relaxant card", "escalated", URGENT,
          muscle_relaxant_days=13, night_pain=True),
    visit("escalated, long-term baclofen and kidney disease: review", "escalated",
          f"{URGENT} {REVIEW}", intake=long_term("baclofen", severe_kidney_disease=True),
          muscle_relaxant_days=414, night_pain=True),
    visit("red flag beats resolved pain", "escalated", URGENT, significant_trauma=True,
          pain_score=0),
    # Age on the visit date: osteoporosis counts only over 65.
    visit("osteoporosis, intake age 66", "escalated", URGENT, intake=OLD, osteoporosis=True),
    visit("steroids, intake age 66", "escalated", URGENT, intake=OLD, chronic_steroid_use=True),
    visit("osteoporosis, intake age 65: no flag", "not_improving", "", intake={"age": 65},
          osteoporosis=True, chronic_steroid_use=True),
    visit("osteoporosis, age 66 on the visit date", "escalated", URGENT, intake={"age": 65},
          age=66, osteoporosis=True),
    # Cleared red flags still apply; a flag not cleared, or new, still counts.
    visit("cleared cancer answered again: no escalation", "not_improving", "",
          intake={"malignancy_history": True, "cleared_red_flags": ["malignancy_history"]},
          malignancy_history=True),
    visit("cleared cancer and new myelopathy: urgent, not emergency", "escalated", URGENT,
          intake={"malignancy_history": True, "cleared_red_flags": ["malignancy_history"]},
          **MYELO),
    visit("cleared fever, new night pain", "escalated", URGENT,
          intake={"cleared_red_flags": ["fever"]}, fever=True, night_pain=True),
    visit("the visit's cleared list governs", "escalated", URGENT,
          intake={"malignancy_history": True, "cleared_red_flags": ["malignancy_history"]},
          cleared_red_flags=[]),
    visit("cleared at a visit", "not_improving", "", night_pain=True,
          cleared_red_flags=["night_pain"]),
    # Muscle relaxant at a visit: 13/14 days; reasons from the visit's answers.
    visit("relaxant 13 days: nothing", "not_improving", "", muscle_relaxant_days=13),
    visit("relaxant 14 days: stop", "not_improving", STOP, muscle_relaxant_days=14),
    visit("relaxant 15 days: stop", "not_improving", STOP, muscle_relaxant_days=15),
    visit("relaxant stop even when resolved", "resolved", STOP, muscle_relaxant_days=21,
          pain_score=0),
    visit("MAOI started since the intake: stop", "not_improving", STOP, muscle_relaxant_days=5,
          takes_maoi=True),
    visit("tizanidine name carries over, liver disease now: stop", "not_improving", STOP,
          intake=taking("tizanidine"), muscle_relaxant_days=10, liver_disease=True),
    visit("methocarbamol, age 65 on the visit date: stop", "not_improving", STOP,
          intake=taking("methocarbamol", age=64), muscle_relaxant_days=5, age=65),
    visit("the visit names a new relaxant: baclofen, kidney disease", "not_improving", STOP,
          intake={"severe_kidney_disease": True}, muscle_relaxant_days=4,
          muscle_relaxant_name="baclofen"),
    visit("long-term baclofen, no reason: no card", "not_improving", "",
          intake=long_term("baclofen"), muscle_relaxant_days=414),
    visit("long-term baclofen with kidney disease: review", "not_improving", REVIEW,
          intake=long_term("baclofen"), muscle_relaxant_days=414, severe_kidney_disease=True),
    visit("long-term baclofen past 14 days is never stopped", "not_improving", "",
          intake=long_term("baclofen", days=2), muscle_relaxant_days=16),
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
    # Duloxetine re-evaluated at REASSESS when neuropathic, with the visit's answers.
    visit("neuropathic at reassess: duloxetine, NSAID bleeding caution", "not_improving",
          f"{LATE} {DLX}", intake=NERVY, day=42),
    visit("neuropathic, NSAID withheld at intake: no caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE", intake={**NERVY, **NO_NSAID}, day=42),
    visit("neuropathic, still on a relaxant: serotonin caution", "not_improving", f"{LATE} {DLX}",
          intake={**NERVY, **NO_NSAID}, day=42, muscle_relaxant_days=3),
    visit("neuropathic, cyclobenzaprine started at intake: caution", "not_improving",
          f"{LATE} {DLX}", intake={**NERVY, **NO_NSAID, **SPASM}, day=42),
    visit("neuropathic, serotonergic drug: caution", "not_improving", f"{LATE} {DLX}",
          intake={**NERVY, **NO_NSAID, "takes_serotonergic_drug": True}, day=42),
    visit("neuropathic, anticoagulant: caution", "not_improving", f"{LATE} {DLX}",
          intake={**NERVY, "takes_anticoagulant": True}, day=42),
    visit("neuropathic, age 24: caution", "not_improving", f"{LATE} {DLX}",
          intake={**NERVY, **NO_NSAID, "age": 24}, day=42),
    visit("neuropathic, age 25 on the visit date: no caution", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE", intake={**NERVY, **NO_NSAID, "age": 24}, day=42,
          age=25),
    visit("neuropathic, GI bleed at intake, none at the visit", "not_improving",
          f"{LATE} DULOXETINE_SECOND_LINE", intake={**NERVY, "gi_bleed_or_ulcer": True}, day=42,
          gi_bleed_or_ulcer=False),
    visit("neuropathic, MAOI: duloxetine withheld", "not_improving", f"{LATE} DULOXETINE_WITHHELD",
          intake={**NERVY, "takes_maoi": True}, day=42),
    visit("neuropathic, heavy drinking answered at the visit: withheld", "not_improving",
          f"{LATE} DULOXETINE_WITHHELD", intake=NERVY, day=42, heavy_alcohol_use=True),
    visit("neuropathic, glaucoma: duloxetine withheld", "persistent",
          f"{PERSIST} {LATE} DULOXETINE_WITHHELD", intake={**NERVY, "narrow_angle_glaucoma": True},
          day=70),
    visit("neuropathic at day 41: no duloxetine yet", "not_improving", "", intake=NERVY, day=41),
    visit("neuropathic and improving: no duloxetine", "improving", "", intake=NERVY, day=42,
          **BETTER),
    visit("nerve symptoms answered at the visit: duloxetine", "not_improving", f"{LATE} {DLX}",
          day=42, neuropathic_features=True),
    # Chronic by now: days_since_onset + day >= 84 (83/84), not resolved, not neuropathic.
    visit("chronic by now at 84", "improving", "AVOID_INTERVENTIONAL_PROCEDURES",
          intake={"days_since_onset": 70}, day=14, **BETTER),
    visit("not chronic at 83", "improving", "", intake={"days_since_onset": 69}, day=14, **BETTER),
    visit("chronic and neuropathic: no interventional advice", "improving", "",
          intake={**NERVY, "days_since_onset": 100}, **BETTER),
    visit("chronic, persistent, not improving", "persistent",
          f"{PERSIST} {LATE} AVOID_INTERVENTIONAL_PROCEDURES", intake={"days_since_onset": 30},
          day=60),
)  # fmt: skip

# Emergency combinations (section 2) and the urgent flags, for the cross-product test.
EMERGENCY_COMBINATIONS = (
    {"progressive_neuro_deficit": True},
    {"bowel_bladder_dysfunction": True},
    {"cervical_arterial_signs": True},
    {"significant_trauma": True, "days_since_onset": 7},
    {"malignancy_history": True, **NERVE},
    {"malignancy_history": True, **MYELO},
    *({flag: True, **extra} for flag in ("fever", "recent_bloodstream_infection", "iv_drug_use",
                                         "immunosuppression") for extra in (NERVE, MYELO)),
)  # fmt: skip
URGENT_FLAGS = (
    {"myelopathy_signs": True},
    {"fever": True},
    {"recent_bloodstream_infection": True},
    {"malignancy_history": True},
    {"iv_drug_use": True},
    {"immunosuppression": True},
    {"unexplained_weight_loss": True},
    {"night_pain": True},
    {"significant_trauma": True, "days_since_onset": 8},
    {"osteoporosis": True, "age": 66},
    {"chronic_steroid_use": True, "age": 66},
)
