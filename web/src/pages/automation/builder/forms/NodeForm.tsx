// The side panel's form for the selected node, by type.

import type { ConfigOf, NodeConfig } from "../../../../automation/flows/types";
import type { NodeShape } from "../../../../automation/flows/model";
import { ConditionForm } from "./ConditionForm";
import type { Lookups } from "./lookups";
import { MessageForm } from "./MessageForm";
import { QuestionForm } from "./QuestionForm";
import { DelayForm, EndForm, StartForm, TagForm, TransferForm } from "./SimpleForms";
import { WebhookForm } from "./WebhookForm";

export function NodeForm({ node, onChange, lookups }: { node: NodeShape; onChange: (c: NodeConfig) => void; lookups: Lookups }) {
  switch (node.type) {
    case "start":
      return <StartForm />;
    case "message":
      return <MessageForm config={node.config} onChange={onChange} />;
    case "question":
      return <QuestionForm config={node.config} onChange={onChange} />;
    case "condition":
      return <ConditionForm config={node.config} onChange={onChange} tags={lookups.tags} />;
    case "delay":
      return <DelayForm config={node.config} onChange={onChange} />;
    case "webhook":
      return <WebhookForm config={node.config} onChange={onChange} />;
    case "tag":
      return <TagForm config={node.config} onChange={onChange} tags={lookups.tags} />;
    case "transfer":
      return <TransferForm config={node.config as ConfigOf["transfer"]} onChange={onChange} targets={lookups.targets} />;
    case "end":
      return <EndForm config={node.config} onChange={onChange} />;
  }
}
