"""How hits rank by relevance, the same on every backend.

A paragraph ranks first by how close the query's words stand in it: side by side in the order typed, near one
another (within NEAR words, in any order), or apart. Within each of these tiers it ranks by the backend's own
score, squeezed into [0, 1). A speech ranks by its best paragraph, plus half the score of its title and summary
when they match too: a title that names the subject says what the address is about.
"""

SIDE_BY_SIDE, NEAR_ONE_ANOTHER, APART = 2, 1, 0
NEAR = 5  # words at most this many positions apart are near one another
TIER_STEP = 10  # more than any score plus the title's share: a closer tier always ranks first
TITLE_SHARE = 0.5


def squeeze(score, typical):
    """Map a score from 0 upwards into [0, 1), a typical score to one half."""
    return score / (score + typical)


def paragraph_key(tier, score):
    return tier * TIER_STEP + score


def closeness(positions):
    """The tier of a paragraph for one run of words, given the positions of each word in it, in the run's order."""
    if any(not found for found in positions):
        return APART
    chained = set(positions[0])
    for following in positions[1:]:
        chained = {p + 1 for p in chained} & set(following)
        if not chained:
            break
    if chained:
        return SIDE_BY_SIDE
    for first, second in zip(positions, positions[1:], strict=False):
        if not any(abs(a - b) <= NEAR for a in first for b in second):
            return APART
    return NEAR_ONE_ANOTHER


def speech_order(hits):
    """Order speech ids from (speech id, position, day, key) hits: best paragraph key plus the title's share."""
    best, title, days = {}, {}, {}
    for sid, position, day, key in hits:
        if key > best.get(sid, -1.0):
            best[sid] = key
        if position == 0:
            title[sid] = key % TIER_STEP
        days[sid] = day
    return sorted(best, key=lambda sid: (-(best[sid] + TITLE_SHARE * title.get(sid, 0.0)), -days[sid], -sid))
