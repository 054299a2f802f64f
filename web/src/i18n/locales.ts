// Every language's whole translation tree: the main file plus one directory per feature
// (`chat/` for the conversation pane and composer, `conv/` for the list, side panel and attention,
// `inboxlist/`, `lifecycle/`, `channels/`, `people/` for later features, `automation/` for flows), merged under their
// top-level keys so the files can grow without touching each other.

import automationEn from "./automation/en.json";
import automationEs from "./automation/es.json";
import automationPt from "./automation/pt-BR.json";
import channelsEn from "./channels/en.json";
import channelsEs from "./channels/es.json";
import channelsPt from "./channels/pt-BR.json";
import chatEn from "./chat/en.json";
import chatEs from "./chat/es.json";
import chatPt from "./chat/pt-BR.json";
import convEn from "./conv/en.json";
import convEs from "./conv/es.json";
import convPt from "./conv/pt-BR.json";
import en from "./en.json";
import es from "./es.json";
import inboxlistEn from "./inboxlist/en.json";
import inboxlistEs from "./inboxlist/es.json";
import inboxlistPt from "./inboxlist/pt-BR.json";
import lifecycleEn from "./lifecycle/en.json";
import lifecycleEs from "./lifecycle/es.json";
import lifecyclePt from "./lifecycle/pt-BR.json";
import peopleEn from "./people/en.json";
import peopleEs from "./people/es.json";
import peoplePt from "./people/pt-BR.json";
import ptBR from "./pt-BR.json";

const namespaces = {
  "pt-BR": { chat: chatPt, conv: convPt, inboxlist: inboxlistPt, lifecycle: lifecyclePt, people: peoplePt, channels: channelsPt, automation: automationPt },
  en: { chat: chatEn, conv: convEn, inboxlist: inboxlistEn, lifecycle: lifecycleEn, people: peopleEn, channels: channelsEn, automation: automationEn },
  es: { chat: chatEs, conv: convEs, inboxlist: inboxlistEs, lifecycle: lifecycleEs, people: peopleEs, channels: channelsEs, automation: automationEs },
};

export type Translation = typeof ptBR & (typeof namespaces)["pt-BR"];

export const translations = {
  "pt-BR": { ...ptBR, ...namespaces["pt-BR"] } as Translation,
  en: { ...en, ...namespaces.en },
  es: { ...es, ...namespaces.es },
};
