from marshmallow import Schema, fields


class FollowLinkSchema(Schema):
    """What a follower's own link shows: the report's public view, no more."""

    confirmed = fields.Boolean(required=True)
    report = fields.Dict(required=True, metadata={"description": "the report's public view"})
    unsubscribe_url = fields.String(required=True)


class UnfollowedSchema(Schema):
    following = fields.Boolean(required=True)
    followers = fields.Integer(required=True)
