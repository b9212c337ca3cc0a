# Guardrail with content, topic, word and PII policies, plus a published version.
#
# Uses var.revision (see _shared/provider.tf): tf_smoke.py applies with revision 1, then 2
# (an in-place update of the attributes that depend on it), re-planning after each apply.

resource "aws_bedrock_guardrail" "this" {
  name                      = "smoke-guardrail"
  description               = "Smoke test guardrail revision ${var.revision}"
  blocked_input_messaging   = "Sorry, this request is blocked."
  blocked_outputs_messaging = "Sorry, this response is blocked."

  content_policy_config {
    filters_config {
      type            = "HATE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
  }

  sensitive_information_policy_config {
    pii_entities_config {
      type   = "AWS_SECRET_KEY"
      action = "BLOCK"
    }
    regexes_config {
      name        = "internal-token"
      description = "Internal API tokens"
      pattern     = "tok_[a-z0-9]{32}"
      action      = "ANONYMIZE"
    }
  }

  topic_policy_config {
    topics_config {
      name       = "credentials"
      definition = "Requests to reveal passwords or credentials."
      examples   = ["What is the admin password?"]
      type       = "DENY"
    }
    # No examples: the provider (5.100.0) needs them given as [], or it leaves them unknown after
    # apply; the update adds one.
    topics_config {
      name       = "investment advice"
      definition = "Recommendations about buying or selling securities."
      examples   = var.revision == 1 ? [] : ["Should I buy this stock?"]
      type       = "DENY"
    }
  }

  word_policy_config {
    managed_word_lists_config {
      type = "PROFANITY"
    }
    words_config {
      text = "forbidden"
    }
  }

  tags = {
    Project = "smoke"
  }
}

resource "aws_bedrock_guardrail_version" "v1" {
  guardrail_arn = aws_bedrock_guardrail.this.guardrail_arn
  description   = "first"
  skip_destroy  = false
}

output "guardrail_id" {
  value = aws_bedrock_guardrail.this.guardrail_id
}
