/* include/resource.h -- the table of Canvas kinds: the single home of what coursectl knows about a
 * kind (docs/architecture.md "Resource table, not a struct per kind").
 *
 * Kinds differ mostly in data: where they are listed, read, written, created and deleted, what the
 * plan file calls them, how an object names itself, its parent and its children, which fields
 * Canvas takes under which parameter name, which fields are dates or HTML, which Canvas computes.
 * One row per kind (runner/resource.c) drives snapshotting, planning, apply, read-back and
 * rollback; the layers above (snapshot, plan, journal, exec_*) read the row and never name a kind.
 * What is a real Canvas quirk and not data is an optional hook on the row, in the file of its kind
 * (runner/resource_<kind>.c). Adding a kind is adding a row, its hooks if it has quirks, and its
 * tests (CONTRIBUTING.md "Add a Canvas kind"). The table is written from ../shared/canvas/API.md;
 * canvas-sim shares none of it on purpose.
 */
#ifndef COURSECTL_RESOURCE_H
#define COURSECTL_RESOURCE_H

#include <cjson/cJSON.h>

enum resource_kind {
	RES_COURSE,
	RES_ASSIGNMENT,
	RES_ASSIGNMENT_OVERRIDE,
	RES_QUIZ,
	RES_DISCUSSION_TOPIC,
	RES_ANNOUNCEMENT,
	RES_MODULE,
	RES_MODULE_ITEM,
	RES_PAGE,
	RES_CALENDAR_EVENT,
	RES_DATE_OVERRIDE,   /* an ungraded topic's "Assign To" override, read and written via date_details */
	RES_NKINDS
};

/* A follow-up request a snapshot needs for one listed object (resource.snapshot_more): its
 * children when the list did not inline them, a body the list left out. */
struct resource_fetch {
	char *path;          /* malloced */
	char *what;          /* for messages, malloced */
	int list;            /* 1: a paginated list (canvas_list), 0: one GET */
	/* Put the answer (taken) into obj, the listed object. */
	void (*take)(cJSON *obj, cJSON *answer);
};

/* Paths are templates: "{course}" is the course id, "{parent}" the parent's id ("0" when unknown),
 * "{id}" the object's id; resource_path expands them. The template says how an object is
 * addressed: a page by "page_id:{id}" (API.md 7.1), a calendar event outside the course. */
struct resource_paths {
	const char *list;    /* every object of the course (children: of one parent); NULL if none */
	const char *read;    /* GET one object (includes that make it read as the list shows it) */
	const char *update;  /* PUT and DELETE one object */
	const char *create;  /* POST a new one; NULL when Canvas cannot create one there */
	const char *bulk;    /* one request for many objects' bulk_fields (API.md 5.3); NULL if none */
	const char *bulk_read;  /* the list that reads a bulk write back (exec_bulk.c adds per_page and
	                         * the assignment_ids[] it wrote) */
	const char *lookup;  /* the list a create is looked for in when its POST got no answer
	                      * (path.list without what a match does not need); NULL: not looked for */
};

/* A second kind that can hold a child kind (a page's Assign To overrides, besides a topic's): the
 * child's parent, in the plan and in the path templates' {parent}, is `prefix` and the holder's
 * id ("page_id:9471"), read from the child's `field`; such a child is read and written at `path`. */
struct resource_alt_parent {
	int kind;                  /* enum resource_kind of the holder */
	const char *field;         /* "wiki_page_id" */
	const char *prefix;        /* "page_id:" */
	struct resource_paths path;
};

struct resource {
	enum resource_kind kind;
	const char *name;          /* "assignment" -- in messages and rendered plans */
	const char *plan_name;     /* "assignment_override" -- the kind in plan files and journals */
	const char *seed_key;      /* "assignments" -- the array in a snapshot / seed course */
	struct resource_paths path;
	unsigned listed : 1;       /* a list of its own per course in a snapshot (path.list) */
	unsigned list_after_course : 1;   /* that list needs the course's numeric id (context_codes[]) */
	unsigned referenced : 1;   /* other objects name it by id (id_refs); a rollback that re-creates it
	                            * renames those references; apply writes it before them */
	unsigned moves : 1;        /* moves between parents by a write of its parent_field (an item's
	                            * module_id, API.md 6.2): its parent is in its fields, and may be a
	                            * create of the same plan */
	unsigned elsewhere_via_parent : 1;  /* its writes_elsewhere fields are written, and read back,
	                                     * through its parent's elsewhere hooks and path (a
	                                     * checkpointed discussion's overrides) */
	unsigned reread_elsewhere : 1;  /* its writes_elsewhere fields are read back with a GET of
	                                 * elsewhere_path, not path.read (a page's date_details) */
	unsigned written_as_set : 1;  /* written as the whole set of its parent's children, one write
	                               * after the other (date_details: exec_date_details.c) */
	const char *wrapper;       /* PUT/POST parameter wrapper, "assignment"; NULL for flat (discussions) */
	const char *id_field;      /* the plan's id: "id", "page_id" for pages (their url changes with
	                            * the title) */
	const char *name_field;    /* "name" or "title" */
	const char *shown_label;   /* what a change of another kind that shows as this one is called
	                            * ("New Quiz": plan_change.shows_as, runner/plan_shows.c); NULL: none */
	enum resource_kind parent_kind;   /* the kind holding it (an item's module); RES_NKINDS: none */
	const char *parent_field;  /* the field naming its parent, "module_id"; NULL when none */
	const struct resource_alt_parent *alt_parent;  /* a second kind that can hold it; NULL: none */
	const char *children_key;  /* its children's array in the object, "items"; NULL when none */
	enum resource_kind child_kind;    /* their kind (RES_NKINDS: none) */
	unsigned children_counted : 1;    /* snapshot statistics count them as objects */
	/* Canvas deletes the children with the object, so a rollback re-creates them; the note of each
	 * re-creation (printf: the child's id, the object's id). NULL: not so. */
	const char *children_recreate_note;
	const char *id_refs;       /* a field holding ids of `referenced` objects ("module_id",
	                            * "prerequisite_module_ids"), rewritten by rollback; NULL: none */
	const char *const *date_fields;   /* NULL-terminated */
	const char *const *html_fields;   /* NULL-terminated */
	const char *const *derived_fields;/* computed by Canvas, ignored on input: dropped from snapshots */
	/* Writing (API.md): the fields Canvas takes, as the plan names them, on update and create; the
	 * parameter has the same name unless param_renames (pairs: plan field, parameter) says
	 * otherwise. On create a child's parent_field is the path's, never a parameter. */
	const char *const *writable;
	const char *const *create_only;   /* taken on POST only */
	const char *const *param_renames;
	const char *const *computed_fields;  /* Canvas makes them from what is written (a page's url
	                                      * from its title): planned and read back, never sent */
	const char *const *bulk_fields;      /* written through path.bulk */
	const char *const *put_after_create; /* ignored on POST: a PUT after it sends them (API.md 6.1) */
	const char *const *keep_fields;      /* every PUT sends them as the object has them now, unless
	                                      * the plan changes them (a topic's locked) */
	const char *const *create_key;       /* besides name_field, what tells the object a create made
	                                      * from another (a calendar event's start_at) */
	/* A boolean at most one object of the course holds (a page's front_page: Wiki#front_page_url,
	 * app/models/wiki.rb). Canvas moves it to the object that takes it and refuses to delete its
	 * holder, so apply sets it before it clears it and both before a holder is deleted
	 * (exec_order.c), and a rollback that deletes a holder gives the flag back first
	 * (exec_inverse.c). NULL: none. */
	const char *sole_flag;
	/* A field whose write Canvas carries on to the object's children and their content (a module's
	 * published: ContextModulesApiController#update, unless skip_content_tags): in a course where
	 * apply writes it, the final re-read checks every value of that field written there
	 * (exec_verify.c). NULL: none. */
	const char *cascade_field;
	/* The field naming another object of the kind that a save of this one moves (a section event's
	 * parent_event_id: CalendarEvent#sync_parent_event sets the parent to its children's range):
	 * the final re-read checks both (exec_verify.c). NULL: none. */
	const char *moves_field;

	/* ------------------------------------------------ hooks (NULL: none) */
	/* The parameter `param` (value v, a plan value) into the body `inner`: 1 when done here (a
	 * value Canvas takes in another form), 0 for the plain copy. */
	int (*put_param)(cJSON *inner, const char *param, const cJSON *v);
	/* Parameters every write of the kind carries (quiz notify_of_update, is_announcement...). */
	void (*finish_body)(cJSON *inner, int create);
	/* A fetched object into the shape the plan reads (checkpoints' dates by their names). */
	void (*normalize)(cJSON *obj);
	/* 1 when writing `field` of this object (live: as read) goes elsewhere than path.update: a
	 * checkpointed discussion's dates through date_details. */
	int (*writes_elsewhere)(const cJSON *live, const char *field);
	/* The path those fields are written to (PUT, a JSON body of them). Malloced. live: the object
	 * written through (its parent's, elsewhere_via_parent). */
	char *(*elsewhere_path)(const char *course, const cJSON *live);
	/* The body of such a write of `fields` ({field: value}) of `live` (child NULL) or of its child
	 * `child` (an elsewhere_via_parent kind's object, by id); NULL hook: `fields` as they are.
	 * Malloced. */
	cJSON *(*elsewhere_body)(const cJSON *live, const char *child, const cJSON *fields);
	/* 1 when such writes of `live` (and of its children) name a whole set, so that they must go one
	 * after the other, each from what the one before left (a checkpointed discussion with
	 * checkpoint overrides). NULL: never. */
	int (*elsewhere_chained)(const cJSON *live);
	/* Copy what a re-read (normalized) after such a write shows into the live copy and its
	 * children's, for the next write of the set. NULL: nothing to copy. */
	void (*elsewhere_refresh)(cJSON *live, const cJSON *reread);
	/* 1 when live object o is the object a create with fields `after` makes, for kinds that are
	 * not found by name (module items: by type and content). */
	int (*same_create)(const cJSON *after, const cJSON *o);
	/* Apply's live copy: the follow-up read an object needs when the plan writes its
	 * writes_elsewhere fields or its children, which its list does not show (a page's
	 * date_details). 1 and *out filled (as snapshot_more). NULL: none. */
	int (*live_more)(const cJSON *obj, const char *course_path, const char *course,
			 struct resource_fetch *out);
	/* Snapshot: the follow-up one listed object needs (course_path: the course id as given,
	 * escaped for a path; course: as given). 1 and *out filled when it needs one. */
	int (*snapshot_more)(const cJSON *obj, const char *course_path, const char *course,
			     struct resource_fetch *out);
};

/* The row of a kind; never NULL for a valid kind. */
const struct resource *resource_get(enum resource_kind kind);
/* The row whose name or seed_key is `name`, or NULL. */
const struct resource *resource_find(const char *name);
/* The row whose plan_name is `s`, or NULL. */
const struct resource *resource_from_plan_name(const char *s);
/* The row of the course itself (the object every other kind belongs to). */
const struct resource *resource_course(void);
/* The number of rows (kinds 0 .. resource_count() - 1). */
int resource_count(void);

/* A path template of the table expanded (see struct resource_paths); parent NULL reads "0". NULL
 * when tmpl is NULL. Malloced. */
char *resource_path(const char *tmpl, const char *course, const char *parent, const char *id);

/* 1 when s is in the NULL-terminated list l (NULL: empty). */
int resource_in_list(const char *const *l, const char *s);

/* ---------------------------------------------------------------- objects (the cJSON copy) */

/* The object's id (id_field) as text, in buf for a number; NULL when it has none. */
const char *object_id(enum resource_kind kind, const cJSON *obj, char buf[32]);
/* The object's name or title (name_field); NULL when it has none. Borrowed. */
const char *object_name(enum resource_kind kind, const cJSON *obj);
/* The id of the object's parent (parent_field) as text, in buf for a number; for a child of an
 * alt_parent (no parent_field, its alt field), prefix and id in buf; NULL when none. */
const char *object_parent(enum resource_kind kind, const cJSON *obj, char buf[32]);
/* The row of the object a child of `kind` names as its parent (`parent`, as object_parent gives
 * it): alt_parent's when the text carries its prefix, else parent_kind's; *id (may be NULL) the
 * holder's own id (the text after the prefix). NULL when the kind has no parent. */
const struct resource *resource_parent_row(enum resource_kind kind, const char *parent, const char **id);
/* The paths of a child of `kind` under `parent`: alt_parent's path when the parent is one, else
 * the row's. */
const struct resource_paths *resource_paths_under(enum resource_kind kind, const char *parent);
/* The object's children (children_key), NULL when none. Borrowed. */
cJSON *object_children(enum resource_kind kind, const cJSON *obj);

/* A checkpointed discussion's assignment as read with include[]=checkpoints: its checkpoints' due
 * dates as reply_to_topic_due_at / required_replies_due_at, its topic's id as discussion_topic_id;
 * without checkpoints, the empty list and has_sub_assignments: false removed
 * (runner/resource_assignment.c). */
void resource_flatten_checkpoints(cJSON *assignment);
/* 1 when an override of such an assignment (flattened with it) is a checkpointed discussion's:
 * it carries the checkpoints' due dates under those names (runner/resource_assignment.c). */
int resource_checkpoint_override(const cJSON *override);
/* Remove the kind's derived fields from a fetched object, in place, after its normalize hook (an
 * assignment's checkpoints are flattened first). */
void resource_strip_derived(const struct resource *res, cJSON *obj);

#endif
