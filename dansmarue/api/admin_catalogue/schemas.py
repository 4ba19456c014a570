from marshmallow import Schema, fields, validate

from dansmarue.models import PRIORITIES


class CategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    parent_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "None: a top type"}
    )
    label = fields.String(required=True, validate=validate.Length(2, 300))
    alias = fields.String(allow_none=True, validate=validate.Length(max=300))
    open_data_label = fields.String(allow_none=True, validate=validate.Length(max=300))
    sort_order = fields.Integer()
    active = fields.Boolean()
    is_leaf = fields.Boolean(dump_only=True, metadata={"description": "No sub-category: reportable"})
    unit_id = fields.Integer(allow_none=True, metadata={"description": "Responsible unit"})
    agent_only = fields.Boolean()
    out_of_scope = fields.Boolean()
    out_of_scope_message = fields.String(allow_none=True, validate=validate.Length(max=2000))
    sensitive_photo = fields.Boolean(metadata={"description": "Photos purged 48 h after creation"})
    default_priority = fields.Integer(validate=validate.OneOf(sorted(PRIORITIES)))
    skip_qualification = fields.Boolean()
    public_max_age_days = fields.Integer(
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "Reports older than this are hidden from the public map"},
    )


class CategoryPatchSchema(CategorySchema):
    parent_id = fields.Integer(allow_none=True, metadata={"description": "A new parent moves the category"})
    label = fields.String(validate=validate.Length(2, 300))


class CategoryQuerySchema(Schema):
    parent_id = fields.Integer()
    active = fields.Boolean()


class CategoryChangeSchema(CategorySchema):
    catalogue_version = fields.Integer(dump_only=True)
