"""The decision table's numbers, in one place: the rules test them and the wording quotes them."""

SEVERE_PAIN = 7  # pain_score >= 7
CHRONIC_DAYS = 84  # 12 weeks since onset
OLDER_ADULT_AGE = 65  # age >= 65 for the medicine rules
RED_FLAG_AGE_OVER = 65  # osteoporosis and long-term steroids are red flags only above this
RELAXANT_MAX_DAYS = 14  # a course is days 0 to 13; complete at >= 14
RECENT_TRAUMA_DAYS = 7  # significant trauma is an emergency when days_since_onset <= 7
NSAID_PREGNANCY_WEEKS = 20  # the NSAID is withheld from this week of pregnancy
DULOXETINE_EARLY_DAYS = 28  # before this, duloxetine is for later, not for now
DULOXETINE_YOUNG_ADULT_AGE = 24  # the boxed warning applies up to this age
RESOLVED_PAIN = 1  # pain_score <= 1 resolves the episode
IMPROVING_POINTS = 2  # improving: a drop of at least 2 points ...
IMPROVING_PERCENT = 30  # ... and at least 30 % of the baseline
REASSESS_DAY = 42
PERSISTENT_DAY = 56
